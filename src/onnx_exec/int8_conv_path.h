// How a quantized convolution with a constant int8 weight runs on oneDNN.
//
// With VNNI (direct_int8_conv_exact), oneDNN's own int8 convolution runs it
// (onednn_conv.h). Without VNNI that one saturates, so oneDNN's float32
// convolution runs it on the integers instead: the source minus its zero
// point and the int8 weight, both as floats, sum exactly while partial sums
// stay below 2^24 (larger ones are off by float rounding, a few units in 10^7,
// which the requantization's float multiply rounds at the same scale), then
// one plain loop requantizes: round_half_even(acc * s_x*s_w/s_y) + zp,
// clamped to the fused activation and the output type.
#pragma once

#include <memory>

#include <ATen/ATen.h>

#include "onnx_exec/onednn_conv.h"

namespace kenning::onnx_exec {

class Int8ConvPath {
 public:
  // `p.quantized` must be set; null when neither path takes the case.
  static std::shared_ptr<Int8ConvPath> make(DirectConvParams p);

  // x: uint8/int8 [N, C, H, W] of the source type; w: the graph's int8
  // weight (as given to make); bias: undefined or int32 [OC]. The result is
  // channels-last of the destination type, or undefined when this call does
  // not fit (the caller then runs the integer kernels).
  at::Tensor run(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) const;

  // True when the float emulation runs (a CPU without VNNI).
  bool emulated() const { return !int8_; }

 private:
  std::shared_ptr<DirectConv> int8_;   // oneDNN's int8 convolution
  std::shared_ptr<DirectConv> float_;  // else oneDNN's float one on the integers
  at::Tensor float_weight_;
  std::vector<float> scales_;  // one, or one per output channel
  std::int32_t src_zero_point_ = 0, dst_zero_point_ = 0;
  at::ScalarType src_type_ = at::kByte, dst_type_ = at::kByte;
  double lo_ = 0, hi_ = 255;  // output bounds: activation within the type's range
};

}  // namespace kenning::onnx_exec
