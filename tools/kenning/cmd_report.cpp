// `kenning report`: renders measurements files (one run or several to
// compare) as a Markdown report with gnuplot figures, optionally a
// self-contained HTML page, and a .summary.json beside it.
#include <CLI/CLI.hpp>

#include "command_line.h"
#include "commands.h"
#include "reports/report_input.h"
#include "report_options.h"
#include "schema_flags.h"

namespace kenning::cli {

namespace {

struct ReportInputs {
  std::vector<std::filesystem::path> measurements;
  static const ParamSchema<ReportInputs>& schema() {
    static const auto s =
        ParamSchema<ReportInputs>("report", "Inputs of `kenning report`")
            .field("measurements", &ReportInputs::measurements, "Measurements JSON files (several: a comparison)")
            .required();
    return s;
  }
};

}  // namespace

int run_report(const std::vector<std::string>& args) {
  CLI::App app("kenning report: render measurements as a report", "kenning report");
  SchemaFlags<ReportInputs> input_flags(ReportInputs::schema());
  SchemaFlags<ReportFlags> report_flags(ReportFlags::schema());
  input_flags.add_to(app);
  report_flags.add_to(app);
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  const ReportInputs inputs = input_flags.values();
  const ReportFlags flags = report_flags.values();
  const auto runs = load_report_runs(inputs.measurements);
  render_report(runs, flags);
  return 0;
}

}  // namespace kenning::cli
