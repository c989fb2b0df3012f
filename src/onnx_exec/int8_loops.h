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

// Max over non-overlapping [kh, kw] blocks of a uint8/int8 x [N, C, H, W]
// (floor mode: a remainder row or column is dropped). Channels-last result.
at::Tensor block_max_pool2d(const at::Tensor& x, std::int64_t kh, std::int64_t kw);

}  // namespace kenning::onnx_exec
