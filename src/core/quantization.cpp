#include "kenning/core/quantization.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kenning {
namespace {

bool quantized(const TensorSpec& s) {
  return (s.dtype == DType::Int8 || s.dtype == DType::UInt8) && s.scale && *s.scale > 0;
}

template <class Q>
Tensor quantize(const Tensor& x, double scale, std::int64_t zero_point) {
  Tensor q(dtype_of<Q>(), x.shape());
  const auto in = x.data<float>();
  auto out = q.data<Q>();
  const double lo = std::numeric_limits<Q>::min();
  const double hi = std::numeric_limits<Q>::max();
  for (std::size_t i = 0; i < in.size(); ++i) {
    // nearbyint rounds halves to even (the default rounding mode), as
    // ONNX's QuantizeLinear does.
    const double v = std::nearbyint(static_cast<double>(in[i]) / scale) + static_cast<double>(zero_point);
    out[i] = static_cast<Q>(std::clamp(v, lo, hi));
  }
  return q;
}

template <class Q>
Tensor dequantize(const Tensor& q, double scale, std::int64_t zero_point) {
  Tensor x(DType::Float32, q.shape());
  const auto in = q.data<Q>();
  auto out = x.data<float>();
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[i] = static_cast<float>((static_cast<double>(in[i]) - static_cast<double>(zero_point)) * scale);
  }
  return x;
}

}  // namespace

std::vector<Tensor> quantize_by_spec(std::vector<Tensor> tensors, const std::vector<TensorSpec>& specs) {
  for (std::size_t i = 0; i < tensors.size() && i < specs.size(); ++i) {
    const TensorSpec& s = specs[i];
    if (!quantized(s) || tensors[i].dtype() != DType::Float32) continue;
    const std::int64_t zp = s.zero_point.value_or(0);
    tensors[i] = s.dtype == DType::Int8 ? quantize<std::int8_t>(tensors[i], *s.scale, zp)
                                        : quantize<std::uint8_t>(tensors[i], *s.scale, zp);
  }
  return tensors;
}

std::vector<Tensor> dequantize_by_spec(std::vector<Tensor> tensors, const std::vector<TensorSpec>& specs) {
  for (std::size_t i = 0; i < tensors.size() && i < specs.size(); ++i) {
    const TensorSpec& s = specs[i];
    if (!quantized(s) || tensors[i].dtype() != s.dtype) continue;
    const std::int64_t zp = s.zero_point.value_or(0);
    tensors[i] = s.dtype == DType::Int8 ? dequantize<std::int8_t>(tensors[i], *s.scale, zp)
                                        : dequantize<std::uint8_t>(tensors[i], *s.scale, zp);
  }
  return tensors;
}

}  // namespace kenning
