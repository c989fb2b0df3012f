// gnuplot scripts of the detection section of a report: precision-recall
// curves per class, average precision per class, mAP against the IoU
// threshold and the IoU histogram of the true positives; and, across runs,
// mAP against the IoU threshold.
#pragma once

#include <string>
#include <vector>

#include "reports/report_data.h"

namespace kenning {

struct DetectionFigure {
  std::string name;  // file name part: "pr-curves", "ap-per-class", ...
  std::string caption;
  std::string script;  // without the shared settings
};

// Most classes a precision-recall figure draws (those with the most
// ground-truth boxes); more lines would not be told apart.
inline constexpr std::size_t kMaxPrCurves = 10;

// The figures of one run; those without data (no true positive for the
// histogram, no class with ground truth) are left out.
std::vector<DetectionFigure> detection_figures(const std::string& run, const DetectionSummary& s);

struct NamedDetection {
  std::string run;
  std::size_t colour_index;
  const DetectionSummary* summary;
};

// mAP at each IoU threshold, one line per run.
std::string map_per_iou_comparison_script(const std::vector<NamedDetection>& runs);

}  // namespace kenning
