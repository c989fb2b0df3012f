// The figures of a report, planned from the runs: each is a gnuplot job
// (see gnuplot.h) and an entry in the index the Markdown links from.
//   performance:<run>    inference time, CPU (per core and mean), memory,
//                        GPU and GPU memory over time
//   classification:<run> confusion matrix (counts, row-normalized), per-class
//                        precision and sensitivity
//   detection:<run>      precision-recall curves, AP per class, mAP per IoU
//                        threshold, IoU histogram of true positives
//   training:<run>       loss and accuracy per epoch
//   comparison           (several runs) accuracy (or mAP) vs mean latency
//                        bubbles sized by model size, latency box plots, a
//                        radar of resource use, mAP per IoU threshold
// A run lacking the data of a figure simply has no such figure; its section
// says what is missing.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "reports/gnuplot.h"
#include "reports/report_input.h"

namespace kenning {

struct Figure {
  std::string link;  // path relative to the report, as written in the Markdown
  std::string caption;
};

// Section key ("performance:0", "comparison", ...) -> its figures in order.
using FigureIndex = std::map<std::string, std::vector<Figure>>;

struct PlannedFigures {
  FigureIndex index;
  std::vector<PlotJob> jobs;
};

// Jobs write into `render_dir`; links are `link_prefix` + file name.
PlannedFigures plan_report_figures(const std::vector<ReportRun>& runs, const std::vector<std::string>& types,
                                   const std::filesystem::path& render_dir, const std::string& link_prefix);

}  // namespace kenning
