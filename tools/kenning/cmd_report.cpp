// `kenning report`: renders measurements files (one run or several to
// compare) as a Markdown report with gnuplot figures, optionally a
// self-contained HTML page, and a .summary.json beside it.
#include <CLI/CLI.hpp>

#include "command_line.h"
#include "commands.h"
#include "reports/report_input.h"
#include "report_options.h"

namespace kenning::cli {

int run_report(const std::vector<std::string>& args) {
  CLI::App app("kenning report: render measurements as a report", "kenning report");
  std::vector<std::string> measurements;
  ReportFlags flags;
  app.add_option("--measurements", measurements, "Measurements JSON files (several: a comparison)")->required();
  add_report_flags(app, flags);
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  const auto runs = load_report_runs({measurements.begin(), measurements.end()});
  render_report(runs, flags);
  return 0;
}

}  // namespace kenning::cli
