#include "report_options.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "reports/report_writer.h"

namespace kenning::cli {

namespace {

ReportOptions options_of(const ReportFlags& flags) {
  ReportOptions options;
  options.report_path = flags.report_path;
  options.html_path = flags.html_path;
  options.to_html = flags.to_html || !flags.html_path.empty();
  options.plots = !flags.no_plots;
  options.types = flags.types;
  options.plot_jobs = flags.plot_jobs;
  return options;
}

}  // namespace

void add_report_flags(CLI::App& app, ReportFlags& flags) {
  app.add_option("--report-path", flags.report_path, "Where the Markdown report is written (figures go to <stem>-img/)")
      ->required();
  app.add_option("--report-types", flags.types,
                 "performance, classification, detection, training (default: what the data has)")
      ->check(CLI::IsMember({"performance", "classification", "detection", "training"}));
  app.add_flag("--to-html", flags.to_html, "Also write a self-contained HTML page (images embedded)");
  app.add_option("--html-path", flags.html_path, "Where the HTML page goes (default: the report path with .html)");
  app.add_flag("--no-plots", flags.no_plots, "Tables only: no figures, gnuplot not needed");
  app.add_option("--plot-jobs", flags.plot_jobs, "gnuplot processes at a time (default: one per core)");
}

void check_report_flags(const ReportFlags& flags) { check_report_options(options_of(flags)); }

void render_report(const std::vector<ReportRun>& runs, const ReportFlags& flags) {
  const ReportFiles files = write_report(runs, options_of(flags));
  std::cout << "report: " << files.markdown.string() << " (" << runs.size() << " run" << (runs.size() == 1 ? "" : "s")
            << ", " << files.figures << " figure" << (files.figures == 1 ? "" : "s") << ")\n";
  if (!files.html.empty()) std::cout << "html:   " << files.html.string() << "\n";
  std::cout << "summary: " << files.summary.string() << "\n";
}

}  // namespace kenning::cli
