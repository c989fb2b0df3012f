// YOLO-style grid decoding (YOLOv2/v3 heads): one raw output map per scale,
// [anchors * (5 + classes), grid_h, grid_w] as the detection convolution
// writes it (NCHW, one sample). Per cell and anchor: tx, ty, tw, th,
// objectness, class logits;
//   cx = (col + sigmoid(tx)) / grid_w     w = anchor_w * exp(tw) / input_w
//   cy = (row + sigmoid(ty)) / grid_h     h = anchor_h * exp(th) / input_h
//   score = sigmoid(objectness) * sigmoid(best class logit).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kenning/core/detection.h"

namespace kenning {

struct YoloGridOptions {
  std::int64_t grid_w = 0, grid_h = 0;
  std::vector<float> anchors;  // w0, h0, w1, h1, ... in input pixels
  std::size_t num_classes = 1;
  float input_w = 416, input_h = 416;
  float score_threshold = 0.5f;
};

// Returns the detections scoring at least score_threshold, boxes clipped to
// [0, 1]. Throws ConfigError when `map` does not hold
// anchors * (5 + classes) * grid_h * grid_w values, or the anchors list is odd.
std::vector<Detection> decode_yolo_grid(std::span<const float> map, const YoloGridOptions& options);

}  // namespace kenning
