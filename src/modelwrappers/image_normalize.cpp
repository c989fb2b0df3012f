#include "modelwrappers/image_normalize.h"

#include "kenning/core/error.h"

namespace kenning {

Tensor normalize_images(const TensorView& images, const std::vector<double>& mean, const std::vector<double>& stdv,
                        bool nhwc, const std::int64_t chw[3], const std::string& where) {
  const Shape& s = images.shape();
  const bool fits = images.dtype() == DType::Float32 && s.size() == 4 && (chw[0] < 0 || s[1] == chw[0]) &&
                    (chw[1] < 0 || s[2] == chw[1]) && (chw[2] < 0 || s[3] == chw[2]);
  if (!fits) {
    throw ConfigError(where + ": expected float32 images [n, " + std::to_string(chw[0]) + ", " +
                      std::to_string(chw[1]) + ", " + std::to_string(chw[2]) + "] (dataset layout NCHW), got " +
                      std::string(dtype_name(images.dtype())) + " " + shape_to_string(s));
  }
  const std::int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  auto value = [&](const std::vector<double>& v, std::int64_t ch, const char* key) {
    if (v.size() == 1) return v[0];
    if (v.size() != static_cast<std::size_t>(c)) {
      throw ConfigError(where + ": " + key + " has " + std::to_string(v.size()) + " values, the images have " +
                        std::to_string(c) + " channels");
    }
    return v[static_cast<std::size_t>(ch)];
  };
  Tensor out(DType::Float32, nhwc ? Shape{n, h, w, c} : Shape{n, c, h, w});
  const auto src = images.data<float>();
  auto dst = out.data<float>();
  const auto plane = static_cast<std::size_t>(h * w);
  const auto channels = static_cast<std::size_t>(c);
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    const float* img = src.data() + i * channels * plane;
    float* o = dst.data() + i * channels * plane;
    for (std::size_t ch = 0; ch < channels; ++ch) {
      const auto a = static_cast<float>(1.0 / value(stdv, static_cast<std::int64_t>(ch), "std"));
      const auto b = static_cast<float>(-value(mean, static_cast<std::int64_t>(ch), "mean")) * a;
      const float* p = img + ch * plane;
      if (nhwc) {
        for (std::size_t px = 0; px < plane; ++px) o[px * channels + ch] = p[px] * a + b;
      } else {
        for (std::size_t px = 0; px < plane; ++px) o[ch * plane + px] = p[px] * a + b;
      }
    }
  }
  return out;
}

std::vector<Tensor> preprocess_image_batch(const Batch& batch, const std::vector<double>& mean,
                                           const std::vector<double>& stdv, bool nhwc, const std::int64_t chw[3],
                                           const std::string& where) {
  if (batch.inputs.size() != 1) {
    throw ConfigError(where + ": expected 1 image tensor, got " + std::to_string(batch.inputs.size()));
  }
  std::vector<Tensor> out;
  out.push_back(normalize_images(batch.inputs[0].view(), mean, stdv, nhwc, chw, where));
  return out;
}

TensorSpec image_input_spec(const TensorSpec& model_input, const std::int64_t chw[3]) {
  TensorSpec spec = model_input;
  spec.shape = {-1, chw[0], chw[1], chw[2]};
  return spec;
}

}  // namespace kenning
