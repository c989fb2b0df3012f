// `kenning report`: renders measurements files (one run or several to
// compare) as a Markdown report, with a .summary.json beside it.
#include <iostream>

#include <CLI/CLI.hpp>

#include "command_line.h"
#include "commands.h"
#include "kenning/core/error.h"
#include "kenning/core/measurements.h"
#include "markdown_report.h"
#include "report_input.h"

namespace kenning::cli {

int run_report(const std::vector<std::string>& args) {
  CLI::App app("kenning report: render measurements as a report", "kenning report");
  std::vector<std::string> measurements;
  std::string report_path;
  std::vector<std::string> types;
  app.add_option("--measurements", measurements, "Measurements JSON files (several: a comparison)")->required();
  app.add_option("--report-path", report_path, "Where the Markdown report is written")->required();
  app.add_option("--report-types", types, "performance, classification, training (default: what the data has)")
      ->check(CLI::IsMember({"performance", "classification", "training"}));
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  std::vector<std::filesystem::path> files(measurements.begin(), measurements.end());
  const auto runs = load_report_runs(files);
  if (types.empty()) types = deduce_report_types(runs);
  const std::filesystem::path out(report_path);
  const std::string markdown = render_markdown_report(runs, types);
  write_file_atomically(out, markdown);
  write_file_atomically(std::filesystem::path(out.string() + ".summary.json"), report_summary(runs).dump(2) + "\n");
  std::cout << "report: " << out.string() << " (" << runs.size() << " run" << (runs.size() == 1 ? "" : "s") << ")\n";
  return 0;
}

}  // namespace kenning::cli
