#include "kenning/core/detection_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "kenning/core/box_ops.h"

namespace kenning {

namespace {

void sort_by_score(std::vector<ScoredMatch>& m) {
  std::stable_sort(m.begin(), m.end(), [](const ScoredMatch& a, const ScoredMatch& b) { return a.score > b.score; });
}

bool is_tp(const ScoredMatch& m, float iou_threshold) { return m.tp && m.iou >= iou_threshold - 1e-6f; }

constexpr const char* kDetPrefix = "eval_det/";
constexpr const char* kGtPrefix = "eval_gtcount/";

}  // namespace

std::vector<ScoredMatch> match_detections(std::vector<Detection> predictions,
                                          std::span<const Detection> ground_truth, int class_id) {
  std::erase_if(predictions, [&](const Detection& d) { return d.class_id != class_id; });
  std::stable_sort(predictions.begin(), predictions.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<bool> claimed(ground_truth.size(), false);
  std::vector<ScoredMatch> out;
  for (const Detection& p : predictions) {
    float best = 0, best_free = -1;
    std::size_t best_free_index = 0;
    for (std::size_t g = 0; g < ground_truth.size(); ++g) {
      if (ground_truth[g].class_id != class_id) continue;
      const float iou = box_iou(box_of(p), box_of(ground_truth[g]));
      best = std::max(best, iou);
      if (!claimed[g] && iou > best_free) best_free = iou, best_free_index = g;
    }
    ScoredMatch m{p.score, false, best};
    if (best_free >= kMatchIoU) {
      claimed[best_free_index] = true;
      m.tp = true;
      m.iou = best_free;
    }
    out.push_back(m);
  }
  return out;
}

PRCurve precision_recall_curve(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold) {
  sort_by_score(matches);
  PRCurve c;
  std::size_t tp = 0;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (is_tp(matches[i], iou_threshold)) ++tp;
    c.precision.push_back(static_cast<double>(tp) / static_cast<double>(i + 1));
    c.recall.push_back(gt_count ? static_cast<double>(tp) / static_cast<double>(gt_count) : 0.0);
  }
  return c;
}

double average_precision_101(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold) {
  if (gt_count == 0) return 0;
  PRCurve c = precision_recall_curve(std::move(matches), gt_count, iou_threshold);
  // Precision envelope: the best precision at this recall or any higher one.
  for (std::size_t i = c.precision.size(); i-- > 1;) c.precision[i - 1] = std::max(c.precision[i - 1], c.precision[i]);
  double sum = 0;
  for (int k = 0; k <= 100; ++k) {
    const double r = k / 100.0;
    // First point reaching recall r (COCO's searchsorted, side left).
    const auto it = std::lower_bound(c.recall.begin(), c.recall.end(), r - 1e-12);
    if (it != c.recall.end()) sum += c.precision[static_cast<std::size_t>(it - c.recall.begin())];
  }
  return sum / 101.0;
}

void compute_detection_metrics(nlohmann::json& data) {
  std::map<std::string, std::size_t> gt;
  for (const auto& [key, value] : data.items()) {
    if (key.rfind(kGtPrefix, 0) == 0) gt[key.substr(std::string(kGtPrefix).size())] = value.get<std::size_t>();
  }
  if (gt.empty()) return;
  std::vector<float> thresholds;
  for (int k = 0; k < 10; ++k) thresholds.push_back(0.5f + 0.05f * static_cast<float>(k));
  std::vector<double> map_per_iou(thresholds.size(), 0.0);
  std::vector<double> tp_iou;
  std::size_t classes = 0;
  for (const auto& [name, count] : gt) {
    std::vector<ScoredMatch> matches;
    const std::string det_key = kDetPrefix + name;
    if (data.contains(det_key)) {
      for (const auto& t : data[det_key]) {
        matches.push_back({t.at(0).get<float>(), t.at(1).get<double>() > 0.5, t.at(2).get<float>()});
        if (matches.back().tp) tp_iou.push_back(matches.back().iou);
      }
    }
    const PRCurve curve = precision_recall_curve(matches, count, kMatchIoU);
    data["eval_pr_curve/" + name] = {{"recall", curve.recall}, {"precision", curve.precision}};
    // Classes without ground truth have no defined AP; COCO leaves them out of the mean.
    if (count == 0) continue;
    ++classes;
    double ap_sum = 0;
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      const double ap = average_precision_101(matches, count, thresholds[t]);
      map_per_iou[t] += ap;
      ap_sum += ap;
      if (t == 0) data["eval_ap50/" + name] = ap;
    }
    data["eval_ap50_95/" + name] = ap_sum / static_cast<double>(thresholds.size());
  }
  double mean_all = 0;
  for (double& v : map_per_iou) {
    v = classes ? v / static_cast<double>(classes) : 0.0;
    mean_all += v;
  }
  std::vector<double> rounded_thresholds;
  for (float t : thresholds) rounded_thresholds.push_back(std::round(t * 100.0) / 100.0);
  data["eval_map_per_iou"] = {{"thresholds", rounded_thresholds}, {"map", map_per_iou}};
  data["eval_map_50"] = map_per_iou[0];
  data["eval_map_50_95"] = mean_all / static_cast<double>(thresholds.size());
  data["eval_tp_iou"] = tp_iou;
}

}  // namespace kenning
