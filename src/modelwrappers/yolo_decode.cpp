#include "modelwrappers/yolo_decode.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kenning/core/box_ops.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

std::vector<Detection> decode_yolo_grid(std::span<const float> map, const YoloGridOptions& o) {
  if (o.anchors.empty() || o.anchors.size() % 2 != 0) {
    throw ConfigError("YOLO decoding: anchors: expected pairs of width, height in input pixels, got " +
                      std::to_string(o.anchors.size()) + " values");
  }
  const std::size_t num_anchors = o.anchors.size() / 2;
  const std::size_t fields = 5 + o.num_classes;
  const auto cells = static_cast<std::size_t>(std::max<std::int64_t>(0, o.grid_w * o.grid_h));
  if (cells == 0 || map.size() != num_anchors * fields * cells) {
    throw ConfigError("YOLO decoding: the output does not match the grid: " + std::to_string(num_anchors) +
                      " anchors x (5 + " + std::to_string(o.num_classes) + " classes) x " + std::to_string(o.grid_h) +
                      " x " + std::to_string(o.grid_w) + " cells need " + std::to_string(num_anchors * fields * cells) +
                      " values, got " + std::to_string(map.size()));
  }
  // Channel k of anchor a for cell c sits at (a * fields + k) * cells + c.
  auto at = [&](std::size_t a, std::size_t k, std::size_t c) { return map[(a * fields + k) * cells + c]; };
  std::vector<Detection> out;
  for (std::size_t a = 0; a < num_anchors; ++a) {
    for (std::size_t c = 0; c < cells; ++c) {
      const float objectness = sigmoid(at(a, 4, c));
      if (objectness < o.score_threshold) continue;  // the score cannot exceed it
      std::size_t best = 0;
      for (std::size_t k = 1; k < o.num_classes; ++k) {
        if (at(a, 5 + k, c) > at(a, 5 + best, c)) best = k;
      }
      const float score = objectness * sigmoid(at(a, 5 + best, c));
      if (!(score >= o.score_threshold)) continue;
      const auto col = static_cast<float>(c % static_cast<std::size_t>(o.grid_w));
      const auto row = static_cast<float>(c / static_cast<std::size_t>(o.grid_w));
      const float cx = (col + sigmoid(at(a, 0, c))) / static_cast<float>(o.grid_w);
      const float cy = (row + sigmoid(at(a, 1, c))) / static_cast<float>(o.grid_h);
      const float w = o.anchors[2 * a] * std::exp(at(a, 2, c)) / o.input_w;
      const float h = o.anchors[2 * a + 1] * std::exp(at(a, 3, c)) / o.input_h;
      Detection d = detection_of(box_from_center(cx, cy, w, h));
      d.score = score;
      d.class_id = static_cast<int>(best);
      out.push_back(d);
    }
  }
  return out;
}

}  // namespace kenning
