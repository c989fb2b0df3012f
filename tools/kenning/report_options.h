// The report flags shared by `kenning report` and the `... test report`
// chain, and the rendering both end with.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "reports/report_input.h"

namespace kenning::cli {

// --report-path (required), --report-types, --to-html, --html-path,
// --no-plots, --plot-jobs.
struct ReportFlags {
  std::filesystem::path report_path, html_path;
  std::vector<std::string> report_types;  // empty: what the data has
  bool to_html = false;
  bool no_plots = false;
  std::int64_t plot_jobs = 0;  // 0: one per core
  static const ParamSchema<ReportFlags>& schema();
};

// The `report` block of an upstream scenario ({"type": "MarkdownReport",
// "parameters": {...}}), its parameters as upstream names them, as report
// flags: report_path, report_types and to_html map to ours; upstream's
// others are accepted and have no effect (a warning says so). ConfigError
// naming `where` for another report class or a bad parameter.
ReportFlags report_flags_of_block(const nlohmann::json& block, const std::string& where);

// Fails before a long run when the report could
// not be written (its folder missing) or would be overwritten by its own
// HTML page. (Unknown --report-types items are refused by the declaration.)
void check_report_flags(const ReportFlags& flags);

// Writes the report of `runs` and prints where its files went.
void render_report(const std::vector<ReportRun>& runs, const ReportFlags& flags);

}  // namespace kenning::cli
