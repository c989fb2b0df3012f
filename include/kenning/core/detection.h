// Object detection results as they travel between flow runners.
//
// A detector's postprocessed output is a float32 tensor [n, 6], one row per
// object: x1, y1, x2, y2 (box corners normalised to [0, 1] of the frame's
// width and height), score, class id. Labels are not in the tensor: they are
// the `class_name` list of the output's TensorSpec, so collectors receive
// them once, when the flow is prepared.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning {

struct Detection {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // normalised xyxy
  int class_id = -1;
  std::string label;  // class_names[class_id], or "class <id>" when unknown
  float score = 0;
};

inline constexpr std::int64_t kDetectionFields = 6;

// {name, [-1, 6], float32, class_name = class_names}.
TensorSpec detection_spec(std::string name, std::vector<std::string> class_names);
Tensor detections_to_tensor(std::span<const Detection> detections);
// Throws ConfigError when `t` is not float32 [n, 6].
std::vector<Detection> detections_from_tensor(const TensorView& t, const std::vector<std::string>& class_names);

}  // namespace kenning
