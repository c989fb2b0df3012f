// `kenning report`: renders measurements files (one run or several to
// compare) as a Markdown report with gnuplot figures, optionally a
// self-contained HTML page, and a .summary.json beside it.
#include <iostream>

#include <CLI/CLI.hpp>

#include "command_line.h"
#include "commands.h"
#include "report_input.h"
#include "report_writer.h"

namespace kenning::cli {

int run_report(const std::vector<std::string>& args) {
  CLI::App app("kenning report: render measurements as a report", "kenning report");
  std::vector<std::string> measurements;
  std::string report_path, html_path;
  ReportOptions options;
  bool no_plots = false;
  app.add_option("--measurements", measurements, "Measurements JSON files (several: a comparison)")->required();
  app.add_option("--report-path", report_path, "Where the Markdown report is written (figures go to <stem>-img/)")
      ->required();
  app.add_option("--report-types", options.types, "performance, classification, training (default: what the data has)")
      ->check(CLI::IsMember({"performance", "classification", "training"}));
  app.add_flag("--to-html", options.to_html, "Also write a self-contained HTML page (images embedded)");
  app.add_option("--html-path", html_path, "Where the HTML page goes (default: the report path with .html)");
  app.add_flag("--no-plots", no_plots, "Tables only: no figures, gnuplot not needed");
  app.add_option("--plot-jobs", options.plot_jobs, "gnuplot processes at a time (default: one per core)");
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  if (!html_path.empty()) options.to_html = true;
  options.plots = !no_plots;
  options.report_path = report_path;
  options.html_path = html_path;
  const auto runs = load_report_runs({measurements.begin(), measurements.end()});
  const ReportFiles files = write_report(runs, options);
  std::cout << "report: " << files.markdown.string() << " (" << runs.size() << " run" << (runs.size() == 1 ? "" : "s")
            << ", " << files.figures << " figure" << (files.figures == 1 ? "" : "s") << ")\n";
  if (!files.html.empty()) std::cout << "html:   " << files.html.string() << "\n";
  std::cout << "summary: " << files.summary.string() << "\n";
  return 0;
}

}  // namespace kenning::cli
