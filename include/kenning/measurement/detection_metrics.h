// Object detection quality: matching predictions to ground truth, COCO-style
// average precision and the derived measurements.
//
// Raw measurements (accumulated batch by batch, as upstream Kenning names them):
//   eval_det/<class>      list of [score, tp, iou, tp_mask] per prediction.
//                         The first three are upstream Kenning's triple: tp = 1
//                         when it matched a ground-truth box at IoU >= 0.5, iou
//                         is the IoU with the box it matched (else its best
//                         IoU). tp_mask has bit k set when the prediction is a
//                         true positive at IoU threshold 0.5 + 0.05k, k = 0..9:
//                         as COCO, the greedy matching is re-run per threshold.
//                         Triples without it (older files, upstream Kenning)
//                         count as a true positive at t when tp and iou >= t.
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

// Minimum IoU for a prediction to claim a ground-truth box (tp, iou and the
// PR curve are about this threshold).
inline constexpr float kMatchIoU = 0.5f;

// COCO's IoU thresholds 0.50:0.05:0.95; threshold k is bit k of a tp_mask.
inline constexpr int kIoUThresholdCount = 10;
inline constexpr int kFullTpMask = (1 << kIoUThresholdCount) - 1;
float iou_threshold_at(int k);

struct ScoredMatch {
  float score = 0;
  bool tp = false;  // matched at kMatchIoU
  float iou = 0;
  // Bit k: a true positive at iou_threshold_at(k). Negative when unknown (an
  // upstream triple): then tp && iou >= threshold decides.
  int tp_mask = -1;
};

// Greedy matching of one image, once per IoU threshold t (COCOeval's
// evaluateImg): predictions by descending score each claim the unclaimed
// ground-truth box of their class with the highest IoU, when that IoU >= t
// (equal IoUs: the later box, as COCO). tp and iou report the match at
// kMatchIoU, tp_mask all thresholds. Result in descending score order.
std::vector<ScoredMatch> match_detections(std::vector<Detection> predictions, std::span<const Detection> ground_truth,
                                          int class_id);

// COCO's 101-point interpolated AP of predictions given as (score, tp) with
// `gt_count` ground-truth boxes; predictions need not be sorted. 0 when
// gt_count is 0. A prediction with a tp_mask is judged by the bit of
// `iou_threshold` when it is one of the ten, else by tp && iou >= threshold.
double average_precision_101(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold);

// Precision and recall after each prediction, by descending score, at
// `iou_threshold`.
struct PRCurve {
  std::vector<double> recall, precision;
};
PRCurve precision_recall_curve(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold);

// Adds the derived keys listed above to `data` when it holds eval_gtcount/*.
// A malformed eval_det entry (not 3 or 4 numbers, tp_mask not an integer in
// 0..kFullTpMask) or eval_gtcount (not a count) is a ConfigError naming the
// key and the entry's index.
void compute_detection_metrics(nlohmann::json& data);

}  // namespace kenning
