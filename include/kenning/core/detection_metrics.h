// Object detection quality: matching predictions to ground truth, COCO-style
// average precision and the derived measurements.
//
// Raw measurements (accumulated batch by batch, as upstream Kenning names them):
//   eval_det/<class>      list of [score, tp, iou] per prediction; tp = 1 when
//                         it matched a ground-truth box at IoU >= 0.5, iou is
//                         the IoU with the box it matched (else its best IoU)
//   eval_gtcount/<class>  number of ground-truth boxes
// Derived by compute_detection_metrics (see README, "Detection"):
//   eval_map_50, eval_map_50_95, eval_ap50/<class>, eval_ap50_95/<class>,
//   eval_map_per_iou {thresholds, map}, eval_pr_curve/<class> {recall, precision}
//   at IoU 0.5, eval_tp_iou (IoUs of the true positives, all classes).
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/detection.h"

namespace kenning {

// Minimum IoU for a prediction to claim a ground-truth box.
inline constexpr float kMatchIoU = 0.5f;

struct ScoredMatch {
  float score = 0;
  bool tp = false;
  float iou = 0;
};

// Greedy matching of one image: predictions by descending score each claim
// the unclaimed ground-truth box of their class with the highest IoU, when
// that IoU >= kMatchIoU. Result in descending score order.
std::vector<ScoredMatch> match_detections(std::vector<Detection> predictions,
                                          std::span<const Detection> ground_truth, int class_id);

// COCO's 101-point interpolated AP of predictions given as (score, tp) with
// `gt_count` ground-truth boxes; predictions need not be sorted. 0 when
// gt_count is 0.
double average_precision_101(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold);

// Precision and recall after each prediction, by descending score, at
// `iou_threshold`.
struct PRCurve {
  std::vector<double> recall, precision;
};
PRCurve precision_recall_curve(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold);

// Adds the derived keys listed above to `data` when it holds eval_gtcount/*.
void compute_detection_metrics(nlohmann::json& data);

}  // namespace kenning
