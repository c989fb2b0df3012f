// Dataset images float32 [n, C, H, W] -> (x - mean) / std per channel, laid
// out NCHW or NHWC as a model reads them. Shared by image model wrappers.
#pragma once

#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"
#include "kenning/dataset.h"

namespace kenning {

// `chw`: the model's channels, height, width (-1: any). Throws ConfigError
// starting with `where` when `images` do not fit.
Tensor normalize_images(const TensorView& images, const std::vector<double>& mean, const std::vector<double>& std,
                        bool nhwc, const std::int64_t chw[3], const std::string& where);

// preprocess() of a wrapper whose model takes one image tensor: the batch's
// single input, normalized; ConfigError (starting with `where`) otherwise.
std::vector<Tensor> preprocess_image_batch(const Batch& batch, const std::vector<double>& mean,
                                           const std::vector<double>& std, bool nhwc, const std::int64_t chw[3],
                                           const std::string& where);

// The model's image input as the wrapper takes it: any batch, [C, H, W].
TensorSpec image_input_spec(const TensorSpec& model_input, const std::int64_t chw[3]);

}  // namespace kenning
