// Writes a whole report: figures drawn into a temporary folder that replaces
// <report stem>-img/ only once every plot succeeded, then the Markdown, the
// optional self-contained HTML and <report>.summary.json, each through a
// temporary file and a rename. A failure leaves the previous report (or
// nothing), never a report whose images are missing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reports/report_input.h"

namespace kenning {

struct ReportOptions {
  std::filesystem::path report_path;  // the Markdown file
  std::vector<std::string> types;     // empty: deduced from the data
  bool plots = true;                  // false: tables only (no gnuplot needed)
  bool to_html = false;
  std::filesystem::path html_path;  // empty: report_path with .html
  unsigned plot_jobs = 0;           // gnuplot processes at a time; 0: one per core
};

struct ReportFiles {
  std::filesystem::path markdown, html, summary, image_dir;  // html/image_dir empty when not written
  std::size_t figures = 0;
};

// ConfigError/IoError when the report's folder is missing or its HTML page
// would replace the Markdown; write_report checks this first, and a command
// that runs for long before writing can check it up front.
void check_report_options(const ReportOptions& options);

ReportFiles write_report(const std::vector<ReportRun>& runs, const ReportOptions& options);

// <parent>/<stem>-img: where the figures of `report_path` go.
std::filesystem::path report_image_dir(const std::filesystem::path& report_path);

}  // namespace kenning
