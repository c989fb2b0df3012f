// Draws predictions on frames: detection boxes with "label score", and for a
// classifier the top label and score in a banner. Shared by the collectors
// that show or write frames, so both draw exactly the same pixels.
//
// Inputs (by name): "frame" (kenning/core/frame.h), and optionally
// "predictions" (class scores [1, classes]) and "detection_data"
// (kenning/core/detection.h).
#pragma once

#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning {

class FrameAnnotator {
 public:
  // Frames narrower than `min_width` are enlarged (nearest neighbour, by an
  // integer factor) so labels stay readable on small images; 0: never.
  explicit FrameAnnotator(int min_width) : min_width_(min_width) {}

  static std::vector<TensorSpec> input_spec();
  static std::vector<std::string> optional_inputs();
  // Takes the labels of the connected outputs (see OutputCollector::prepare).
  void prepare(const std::vector<TensorSpec>& connected);
  // The annotated copy of inputs[0], inputs in input_spec() order.
  cv::Mat annotate(std::span<const TensorView> inputs) const;

 private:
  int min_width_;
  std::vector<std::string> class_names_;      // of "predictions"
  std::vector<std::string> detection_names_;  // of "detection_data"
};

// A BGR cv::Mat header over a frame tensor (no copy); throws ConfigError when
// `frame` is not uint8 [h, w, 3].
cv::Mat frame_as_mat(const TensorView& frame);

}  // namespace kenning
