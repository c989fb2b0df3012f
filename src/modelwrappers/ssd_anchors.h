// SSD-style anchors and box decoding, as BlazeFace-like models need.
//
// Each feature layer of stride s covers the input with ceil(W/s) x ceil(H/s)
// cells and places `anchors_per_cell` anchors at every cell centre. Anchors
// are ordered row by row, cell by cell, anchor by anchor, layer after layer:
// the order of the model's flattened score and box outputs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kenning/core/detection.h"

namespace kenning {

struct Anchor {
  float cx = 0, cy = 0;  // normalised centre
  float w = 1, h = 1;    // relative size (1: fixed-size anchors, as in BlazeFace)
};

// Throws ConfigError when strides and anchors_per_cell differ in length or
// hold non-positive values.
std::vector<Anchor> generate_ssd_anchors(std::int64_t input_width, std::int64_t input_height,
                                         std::span<const std::int64_t> strides,
                                         std::span<const std::int64_t> anchors_per_cell);

struct SSDDecodeOptions {
  std::size_t num_classes = 1;
  std::size_t box_values = 4;      // values per anchor in the box output; the first 4 are dx, dy, w, h
  float x_scale = 1, y_scale = 1;  // offsets and sizes are in units of 1/scale (input pixels)
  float score_threshold = 0.5f;
  bool sigmoid_scores = true;  // the model outputs logits
};

// scores: [anchors, num_classes]; boxes: [anchors, box_values]. Returns the
// detections scoring at least score_threshold (best class per anchor), boxes
// clipped to [0, 1]. Throws ConfigError when the sizes do not match the anchors.
std::vector<Detection> decode_ssd(std::span<const float> scores, std::span<const float> boxes,
                                  std::span<const Anchor> anchors, const SSDDecodeOptions& options);

}  // namespace kenning
