#include "modelwrappers/ssd_anchors.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kenning/core/box_ops.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

std::vector<Anchor> generate_ssd_anchors(std::int64_t input_width, std::int64_t input_height,
                                         std::span<const std::int64_t> strides,
                                         std::span<const std::int64_t> anchors_per_cell) {
  if (strides.size() != anchors_per_cell.size() || strides.empty()) {
    throw ConfigError("anchors: strides and anchors_per_cell must list one value per feature layer, got " +
                      std::to_string(strides.size()) + " and " + std::to_string(anchors_per_cell.size()));
  }
  if (input_width <= 0 || input_height <= 0) {
    throw ConfigError("anchors: the input size must be positive, got " + std::to_string(input_width) + "x" +
                      std::to_string(input_height));
  }
  std::vector<Anchor> anchors;
  for (std::size_t l = 0; l < strides.size(); ++l) {
    if (strides[l] <= 0 || anchors_per_cell[l] <= 0) {
      throw ConfigError("anchors: layer " + std::to_string(l) + ": stride and anchors_per_cell must be > 0, got " +
                        std::to_string(strides[l]) + " and " + std::to_string(anchors_per_cell[l]));
    }
    const std::int64_t cols = (input_width + strides[l] - 1) / strides[l];
    const std::int64_t rows = (input_height + strides[l] - 1) / strides[l];
    for (std::int64_t y = 0; y < rows; ++y) {
      for (std::int64_t x = 0; x < cols; ++x) {
        const Anchor a{(static_cast<float>(x) + 0.5f) / static_cast<float>(cols),
                       (static_cast<float>(y) + 0.5f) / static_cast<float>(rows), 1.0f, 1.0f};
        anchors.insert(anchors.end(), static_cast<std::size_t>(anchors_per_cell[l]), a);
      }
    }
  }
  return anchors;
}

std::vector<Detection> decode_ssd(std::span<const float> scores, std::span<const float> boxes,
                                  std::span<const Anchor> anchors, const SSDDecodeOptions& o) {
  if (o.num_classes == 0 || o.box_values < 4) {
    throw ConfigError("SSD decoding: expected num_classes >= 1 and box_values >= 4, got " +
                      std::to_string(o.num_classes) + " and " + std::to_string(o.box_values));
  }
  if (scores.size() != anchors.size() * o.num_classes || boxes.size() != anchors.size() * o.box_values) {
    throw ConfigError("SSD decoding: the model's outputs do not match its anchors: " + std::to_string(anchors.size()) +
                      " anchors need " + std::to_string(anchors.size() * o.num_classes) + " scores (" +
                      std::to_string(o.num_classes) + " per anchor) and " +
                      std::to_string(anchors.size() * o.box_values) + " box values (" + std::to_string(o.box_values) +
                      " per anchor), got " + std::to_string(scores.size()) + " scores and " +
                      std::to_string(boxes.size()) + " box values");
  }
  std::vector<Detection> out;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    const float* s = scores.data() + i * o.num_classes;
    const std::size_t best = static_cast<std::size_t>(std::max_element(s, s + o.num_classes) - s);
    const float score = o.sigmoid_scores ? sigmoid(s[best]) : s[best];
    if (!(score >= o.score_threshold)) continue;
    const float* b = boxes.data() + i * o.box_values;
    const Anchor& a = anchors[i];
    const float cx = a.cx + b[0] / o.x_scale * a.w;
    const float cy = a.cy + b[1] / o.y_scale * a.h;
    const float w = b[2] / o.x_scale * a.w;
    const float h = b[3] / o.y_scale * a.h;
    Detection d = detection_of(box_from_center(cx, cy, w, h));
    d.score = score;
    d.class_id = static_cast<int>(best);
    out.push_back(d);
  }
  return out;
}

}  // namespace kenning
