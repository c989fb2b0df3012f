// The HTML page of a report: the Markdown rendered by cmark-gfm (GitHub
// tables), with every image embedded as a data: URI, so the one file is the
// whole report and can be mailed or archived as it is.
#pragma once

#include <filesystem>
#include <string>

namespace kenning {

// `markdown` links its images relative to `base_dir` (the report's folder).
// Throws IoError naming an image that cannot be read.
std::string render_html_report(const std::string& markdown, const std::filesystem::path& base_dir,
                               const std::string& title);

}  // namespace kenning
