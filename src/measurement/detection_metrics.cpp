#include "kenning/measurement/detection_metrics.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "kenning/core/box_ops.h"
#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

// Slack on IoU >= threshold, so float rounding of a box exactly at a
// threshold does not flip it.
constexpr float kIoUSlack = 1e-6f;

void sort_by_score(std::vector<ScoredMatch>& m) {
  std::stable_sort(m.begin(), m.end(), [](const ScoredMatch& a, const ScoredMatch& b) { return a.score > b.score; });
}

// The tp_mask bit of `iou_threshold`, or -1 when it is not one of the ten.
int threshold_bit(float iou_threshold) {
  for (int k = 0; k < kIoUThresholdCount; ++k) {
    if (std::abs(iou_threshold - iou_threshold_at(k)) < 1e-4f) return k;
  }
  return -1;
}

bool is_tp(const ScoredMatch& m, float iou_threshold, int bit) {
  if (m.tp_mask >= 0 && bit >= 0) return (m.tp_mask >> bit) & 1;
  return m.tp && m.iou >= iou_threshold - kIoUSlack;
}

// IoU of each prediction (rows) with each ground-truth box (columns), row-major.
std::vector<float> iou_matrix(std::span<const Detection> predictions, std::span<const Detection> ground_truth) {
  std::vector<float> iou;
  iou.reserve(predictions.size() * ground_truth.size());
  for (const Detection& p : predictions) {
    for (const Detection& g : ground_truth) iou.push_back(box_iou(box_of(p), box_of(g)));
  }
  return iou;
}

// One greedy pass at `threshold` over predictions sorted by score: the column
// each row claims, or -1. Same scan as COCOeval.evaluateImg: a box at least
// as good as the best so far replaces it, so equal IoUs go to the later box.
std::vector<int> greedy_claims(const std::vector<float>& iou, std::size_t rows, std::size_t cols, float threshold) {
  std::vector<int> claim(rows, -1);
  std::vector<bool> taken(cols, false);
  for (std::size_t r = 0; r < rows; ++r) {
    float best = threshold - kIoUSlack;
    for (std::size_t c = 0; c < cols; ++c) {
      if (taken[c] || iou[r * cols + c] < best) continue;
      best = iou[r * cols + c];
      claim[r] = static_cast<int>(c);
    }
    if (claim[r] >= 0) taken[static_cast<std::size_t>(claim[r])] = true;
  }
  return claim;
}

std::string shortened_dump(const nlohmann::json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// One eval_det entry: upstream's [score, tp, iou] or ours with tp_mask appended.
ScoredMatch parse_det_entry(const nlohmann::json& e, const std::string& key, std::size_t index) {
  const std::string where = "measurements: " + key + "[" + std::to_string(index) + "]: ";
  if (!e.is_array() || (e.size() != 3 && e.size() != 4) ||
      !std::all_of(e.begin(), e.end(), [](const nlohmann::json& v) { return v.is_number(); })) {
    throw ConfigError(where + "expected 3 or 4 numbers, [score, tp, iou] or [score, tp, iou, tp_mask]; got " +
                      shortened_dump(e));
  }
  ScoredMatch m{e[0].get<float>(), e[1].get<double>() > 0.5, e[2].get<float>()};
  if (e.size() == 4) {
    const double mask = e[3].get<double>();
    if (mask != std::floor(mask) || mask < 0 || mask > kFullTpMask) {
      throw ConfigError(where + "tp_mask must be an integer in 0.." + std::to_string(kFullTpMask) + ", got " +
                        e[3].dump());
    }
    m.tp_mask = static_cast<int>(mask);
  }
  return m;
}

std::vector<ScoredMatch> parse_det_list(const nlohmann::json& list, const std::string& key) {
  if (!list.is_array()) throw ConfigError("measurements: " + key + ": expected a list, got " + shortened_dump(list));
  std::vector<ScoredMatch> matches;
  matches.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) matches.push_back(parse_det_entry(list[i], key, i));
  return matches;
}

std::size_t parse_gt_count(const nlohmann::json& v, const std::string& key) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    throw ConfigError("measurements: " + key + ": expected a count of ground-truth boxes, got " + shortened_dump(v));
  }
  return v.get<std::size_t>();
}

}  // namespace

float iou_threshold_at(int k) { return 0.5f + 0.05f * static_cast<float>(k); }

std::vector<ScoredMatch> match_detections(std::vector<Detection> predictions, std::span<const Detection> ground_truth,
                                          int class_id) {
  std::erase_if(predictions, [&](const Detection& d) { return d.class_id != class_id; });
  std::stable_sort(predictions.begin(), predictions.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> gt;
  std::copy_if(ground_truth.begin(), ground_truth.end(), std::back_inserter(gt),
               [&](const Detection& d) { return d.class_id == class_id; });
  // IoUs once, then one greedy pass per threshold.
  const std::vector<float> iou = iou_matrix(predictions, gt);
  std::vector<ScoredMatch> out;
  for (std::size_t r = 0; r < predictions.size(); ++r) {
    const auto row = iou.begin() + static_cast<std::ptrdiff_t>(r * gt.size());
    const float best = gt.empty() ? 0.0f : *std::max_element(row, row + static_cast<std::ptrdiff_t>(gt.size()));
    out.push_back({predictions[r].score, false, best, 0});
  }
  for (int k = 0; k < kIoUThresholdCount; ++k) {
    const std::vector<int> claim = greedy_claims(iou, out.size(), gt.size(), iou_threshold_at(k));
    for (std::size_t r = 0; r < out.size(); ++r) {
      if (claim[r] < 0) continue;
      out[r].tp_mask |= 1 << k;
      if (k == 0) out[r].tp = true, out[r].iou = iou[r * gt.size() + static_cast<std::size_t>(claim[r])];
    }
  }
  return out;
}

PRCurve precision_recall_curve(std::vector<ScoredMatch> matches, std::size_t gt_count, float iou_threshold) {
  sort_by_score(matches);
  const int bit = threshold_bit(iou_threshold);
  PRCurve c;
  std::size_t tp = 0;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (is_tp(matches[i], iou_threshold, bit)) ++tp;
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
    if (key.rfind(keys::eval_gtcount, 0) == 0) gt[key.substr(keys::eval_gtcount.size())] = parse_gt_count(value, key);
  }
  if (gt.empty()) return;
  std::vector<float> thresholds;
  for (int k = 0; k < kIoUThresholdCount; ++k) thresholds.push_back(iou_threshold_at(k));
  std::vector<double> map_per_iou(thresholds.size(), 0.0);
  std::vector<double> tp_iou;
  std::size_t classes = 0;
  for (const auto& [name, count] : gt) {
    const std::string det_key = std::string(keys::eval_det) + name;
    const std::vector<ScoredMatch> matches =
        data.contains(det_key) ? parse_det_list(data[det_key], det_key) : std::vector<ScoredMatch>{};
    for (const ScoredMatch& m : matches) {
      if (m.tp) tp_iou.push_back(m.iou);
    }
    const PRCurve curve = precision_recall_curve(matches, count, kMatchIoU);
    data[std::string(keys::eval_pr_curve) + name] = {{"recall", curve.recall}, {"precision", curve.precision}};
    // Classes without ground truth have no defined AP; COCO leaves them out of the mean.
    if (count == 0) continue;
    ++classes;
    double ap_sum = 0;
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      const double ap = average_precision_101(matches, count, thresholds[t]);
      map_per_iou[t] += ap;
      ap_sum += ap;
      if (t == 0) data[std::string(keys::eval_ap50) + name] = ap;
    }
    data[std::string(keys::eval_ap50_95) + name] = ap_sum / static_cast<double>(thresholds.size());
  }
  double mean_all = 0;
  for (double& v : map_per_iou) {
    v = classes ? v / static_cast<double>(classes) : 0.0;
    mean_all += v;
  }
  std::vector<double> rounded_thresholds;
  for (float t : thresholds) rounded_thresholds.push_back(std::round(t * 100.0) / 100.0);
  data[keys::eval_map_per_iou] = {{"thresholds", rounded_thresholds}, {"map", map_per_iou}};
  data[keys::eval_map_50] = map_per_iou[0];
  data[keys::eval_map_50_95] = mean_all / static_cast<double>(thresholds.size());
  data[keys::eval_tp_iou] = tp_iou;
}

}  // namespace kenning
