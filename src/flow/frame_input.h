// Turns a frame (kenning/core/frame.h) into the image input a model wants:
// resized to the model's height and width, grey for one channel or RGB for
// three, in NCHW ([1, C, H, W]) or NHWC ([1, H, W, C]) layout; float inputs
// are scaled to [0, 1] and then normalised with the spec's mean/std when it
// has them.
#pragma once

#include <opencv2/core.hpp>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning {

class FrameInput {
 public:
  // Throws ConfigError naming `where` and the input when `spec` is not an
  // image input of fixed height and width, float32 or uint8.
  FrameInput(const TensorSpec& spec, const std::string& where);
  Tensor convert(const cv::Mat& bgr_frame) const;

 private:
  TensorSpec spec_;
  bool nchw_ = true;
  int channels_ = 1, height_ = 0, width_ = 0;
};

}  // namespace kenning
