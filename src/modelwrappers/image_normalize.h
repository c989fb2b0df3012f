// Dataset images float32 [n, C, H, W] -> (x - mean) / std per channel, laid
// out NCHW or NHWC as a model reads them. Shared by image model wrappers.
#pragma once

#include <string>
#include <vector>

#include "kenning/core/tensor.h"

namespace kenning {

// `chw`: the model's channels, height, width (-1: any). Throws ConfigError
// starting with `where` when `images` do not fit.
Tensor normalize_images(const Tensor& images, const std::vector<double>& mean, const std::vector<double>& std,
                        bool nhwc, const std::int64_t chw[3], const std::string& where);

}  // namespace kenning
