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

namespace {

// Upstream's MarkdownReport, its parameters bound to our report flags.
const ParamSchema<ReportFlags>& upstream_report_schema() {
  static const auto s =
      ParamSchema<ReportFlags>("MarkdownReport", "Upstream Kenning's report block, rendered by `kenning report`")
          .field("report_path", &ReportFlags::report_path, "Where the Markdown report is written")
          .required()
          .field("report_types", &ReportFlags::report_types, "Sections to write (default: what the data has)")
          .one_of(kReportTypes)
          .field("to_html", &ReportFlags::to_html, "Also write a self-contained HTML page")
          .ignored("measurements", ParamType::List, "the report is of the run that just ended")
          .ignored("report_name", ParamType::String, "the report is titled after its runs")
          .ignored("root_dir", ParamType::Path, "figures go beside the report, in <stem>-img/")
          .ignored("img_dir", ParamType::Path, "figures go beside the report, in <stem>-img/")
          .ignored("model_names", ParamType::List, "runs are named after their measurements files")
          .ignored("comparison_only", ParamType::Bool, "one run: there is nothing to compare")
          .ignored("skip_unoptimized_model", ParamType::Bool, "the unoptimized run is shown when measured")
          .ignored("save_summary", ParamType::Bool, "the summary JSON is always written")
          .ignored("main_quality_metric", ParamType::String, "the summary shows accuracy and mAP");
  return s;
}

}  // namespace

ReportFlags report_flags_of_block(const nlohmann::json& block, const std::string& where) {
  const std::string type = block.at("type").get<std::string>();
  if (type.substr(type.rfind('.') == std::string::npos ? 0 : type.rfind('.') + 1) != "MarkdownReport") {
    throw ConfigError(where + ": unknown report class '" + type + "' (nearest report class here: MarkdownReport)");
  }
  const nlohmann::json params = block.contains("parameters") ? block["parameters"] : nlohmann::json::object();
  return upstream_report_schema().parse(params, where + ".parameters");
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
