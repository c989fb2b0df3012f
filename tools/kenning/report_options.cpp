#include "report_options.h"

#include <algorithm>
#include <iostream>

#include "kenning/core/error.h"
#include "reports/report_writer.h"

namespace kenning::cli {

namespace {

const std::vector<std::string> kReportTypes = {"performance", "classification", "detection", "training"};

ReportOptions options_of(const ReportFlags& flags) {
  ReportOptions options;
  options.report_path = flags.report_path;
  options.html_path = flags.html_path;
  options.to_html = flags.to_html || !flags.html_path.empty();
  options.plots = !flags.no_plots;
  options.types = flags.report_types;
  options.plot_jobs = static_cast<unsigned>(flags.plot_jobs);
  return options;
}

}  // namespace

const ParamSchema<ReportFlags>& ReportFlags::schema() {
  static const auto s =
      ParamSchema<ReportFlags>("report", "Options of `kenning report` and of a chain ending in `report`")
          .field("report_path", &ReportFlags::report_path,
                 "Where the Markdown report is written (figures go to <stem>-img/)")
          .required()
          .field("report_types", &ReportFlags::report_types, "Sections to write (default: what the data has)")
          .one_of(kReportTypes)
          .field("to_html", &ReportFlags::to_html, "Also write a self-contained HTML page (images embedded)")
          .field("html_path", &ReportFlags::html_path, "Where the HTML page goes (default: the report path with .html)")
          .field("no_plots", &ReportFlags::no_plots, "Tables only: no figures, gnuplot not needed")
          .field("plot_jobs", &ReportFlags::plot_jobs, "gnuplot processes at a time (0: one per core)")
          .at_least(0);
  return s;
}

void check_report_flags(const ReportFlags& flags) {
  check_report_options(options_of(flags));
}

void render_report(const std::vector<ReportRun>& runs, const ReportFlags& flags) {
  const ReportFiles files = write_report(runs, options_of(flags));
  std::cout << "report: " << files.markdown.string() << " (" << runs.size() << " run" << (runs.size() == 1 ? "" : "s")
            << ", " << files.figures << " figure" << (files.figures == 1 ? "" : "s") << ")\n";
  if (!files.html.empty()) std::cout << "html:   " << files.html.string() << "\n";
  std::cout << "summary: " << files.summary.string() << "\n";
}

}  // namespace kenning::cli
