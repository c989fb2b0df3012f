// Turns decoded OpenCV images into frame tensors (kenning/core/frame.h).
#pragma once

#include <opencv2/core.hpp>

#include "kenning/core/tensor.h"

namespace kenning {

// Grey and BGRA images become BGR; `size` (when non-empty) resizes the image
// to it. Returns uint8 [height, width, 3].
Tensor frame_from_mat(const cv::Mat& image, cv::Size size = {});

}  // namespace kenning
