// The Markdown report of one or more runs: a summary table comparing them,
// the comparison figures (several runs), then per-type sections
// (performance, classification, training) with their tables and figures. Data a
// section needs but a run lacks or has malformed is named in the section
// ("not in this run", "malformed: ..."), so the report is partial, never
// wrong and never a crash.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report_input.h"
#include "reports/report_plots.h"

namespace kenning {

// `figures` (from plan_report_figures, once drawn) are linked in their
// sections; without them the report is tables only.
std::string render_markdown_report(const std::vector<ReportRun>& runs, const std::vector<std::string>& types,
                                   const FigureIndex& figures = {});

// One entry per run: name, file, accuracy, latency median/p99 (s),
// throughput, model size, verdict (missing values are null). Written beside
// the report as <report>.summary.json.
nlohmann::json report_summary(const std::vector<ReportRun>& runs);

}  // namespace kenning
