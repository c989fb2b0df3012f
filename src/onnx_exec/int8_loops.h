// Plain loops for the 8-bit work around the integer kernels of a quantized
// graph. ATen spends a TensorIterator per step (divide, round, add, clamp,
// cast: five passes and allocations for one QuantizeLinear), and its uint8
// reductions are not vectorized; at batch 1 that costs more than the int8
// convolutions themselves.
#pragma once

#include <cstdint>

#include <ATen/ATen.h>

namespace kenning::onnx_exec {

// QuantizeLinear per tensor of a float32 x: saturate(round_half_even(x / scale)
// + zero_point) as uint8 (`type` kByte) or int8 (kChar), in x's layout; NaN
// becomes the zero point.
at::Tensor quantize_per_tensor(const at::Tensor& x, float scale, std::int32_t zero_point, at::ScalarType type);

// DequantizeLinear per tensor of a uint8/int8 x: (x - zero_point) * scale.
at::Tensor dequantize_per_tensor(const at::Tensor& x, float scale, std::int32_t zero_point);

// Parameters of one per-tensor quantized operand.
struct QuantScalar {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
};

// QLinearAdd per tensor of uint8/int8 a and b of one type, shape and memory
// layout: y = quantize(clamp(dequantize(a) + dequantize(b), lo, hi)) as
// `y_type`, in the same float arithmetic as DequantizeLinear, Add, Relu/Clip
// and QuantizeLinear run one after another. Undefined when the operands do
// not fit (the caller then takes the general path).
at::Tensor add_per_tensor(const at::Tensor& a, QuantScalar pa, const at::Tensor& b, QuantScalar pb, QuantScalar py,
                          at::ScalarType y_type, float lo, float hi);

// Max over non-overlapping [kh, kw] blocks of a uint8/int8 x [N, C, H, W]
// (floor mode: a remainder row or column is dropped). Channels-last result.
at::Tensor block_max_pool2d(const at::Tensor& x, std::int64_t kh, std::int64_t kw);

}  // namespace kenning::onnx_exec
