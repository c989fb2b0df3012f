// The report flags shared by `kenning report` and the `... test report`
// chain, and the rendering both end with.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reports/report_input.h"

namespace CLI {
class App;
}

namespace kenning::cli {

struct ReportFlags {
  std::string report_path, html_path;
  std::vector<std::string> types;
  bool to_html = false;
  bool no_plots = false;
  unsigned plot_jobs = 0;
};

// --report-path (required), --report-types, --to-html, --html-path,
// --no-plots, --plot-jobs.
void add_report_flags(CLI::App& app, ReportFlags& flags);

// Fails before a long run when the report could not be written (its folder
// missing) or would be overwritten by its own HTML page.
void check_report_flags(const ReportFlags& flags);

// Writes the report of `runs` and prints where its files went.
void render_report(const std::vector<ReportRun>& runs, const ReportFlags& flags);

}  // namespace kenning::cli
