#include "kenning/core/box_ops.h"

#include <algorithm>

namespace kenning {

Box box_from_center(float cx, float cy, float w, float h) {
  const auto clip01 = [](float v) { return std::clamp(v, 0.0f, 1.0f); };
  return {clip01(cx - w / 2), clip01(cy - h / 2), clip01(cx + w / 2), clip01(cy + h / 2)};
}

float box_iou(const Box& a, const Box& b) {
  const float area_a = std::max(0.0f, a.x2 - a.x1) * std::max(0.0f, a.y2 - a.y1);
  const float area_b = std::max(0.0f, b.x2 - b.x1) * std::max(0.0f, b.y2 - b.y1);
  const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const float inter = iw * ih;
  const float uni = area_a + area_b - inter;
  return uni > 0 ? inter / uni : 0;
}

std::vector<Detection> non_max_suppression(std::vector<Detection> detections, float score_threshold,
                                           float iou_threshold, std::size_t max_detections) {
  std::erase_if(detections, [&](const Detection& d) { return !(d.score >= score_threshold); });
  // Stable, so equal scores keep the model's order and results are reproducible.
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  for (const Detection& d : detections) {
    if (max_detections > 0 && kept.size() >= max_detections) break;
    const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](const Detection& k) {
      return k.class_id == d.class_id && box_iou(box_of(k), box_of(d)) > iou_threshold;
    });
    if (!suppressed) kept.push_back(d);
  }
  return kept;
}

}  // namespace kenning
