// A direct oneDNN path for 2-D float32 convolutions with a constant weight.
//
// at::mkldnn_convolution goes through libtorch's ideep wrapper, which on every
// call looks up (or creates) a primitive descriptor, wraps tensors, reorders
// the weight into oneDNN's blocked layout and builds a map of execution
// arguments: a couple of hundred heap allocations and a weight reorder per
// call. DirectConv does that work once per input shape instead:
//   * the convolution primitive has NHWC (ATen channels-last) source and
//     destination and lets oneDNN pick the weight layout;
//   * the weight (a graph initializer) is reordered into that layout once
//     and kept;
//   * a fused Relu/Clip runs as an eltwise post-op;
//   * the scratchpad is owned by the cache entry (user scratchpad mode) and
//     the execution arguments are kept, so a call sets data pointers and runs.
// Cache entries are keyed by the input shape and the resolved padding; a
// thread uses an entry exclusively while it runs it, so concurrent runs of
// the same Executor each get their own entry (and scratchpad).
//
// The same path runs int8 convolutions (QLinearConv, and the QDQ fusion's
// fused Gemm as a 1x1 convolution): u8 or s8 source and destination, s8
// weights, s32 bias, the requantization s_x * s_w / s_y as oneDNN output
// scales (per tensor or per output channel), zero points of source and
// destination passed at run time, the fused activation as a post-op.
//
// Built only when oneDNN's headers are found (KENNING_WITH_ONEDNN); without
// them direct_conv_available() is false and make_direct_conv returns null.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/ATen.h>

namespace kenning::onnx_exec {

class DirectConv;

// True when built with oneDNN.
bool direct_conv_available();

// A Conv node's attributes, known when the model loads.
struct DirectConvParams {
  at::Tensor weight;  // constant [OC, IC/group, KH, KW]
  std::int64_t group = 1;
  std::int64_t strides[2] = {1, 1};
  std::int64_t dilations[2] = {1, 1};   // as in ONNX: 1 = dense
  std::int64_t pads[4] = {0, 0, 0, 0};  // ONNX order: begins then ends
  enum class AutoPad { NotSet, Valid, SameUpper, SameLower } auto_pad = AutoPad::NotSet;
  bool fused = false;  // a Relu/Clip moved into the Conv (fusion.h)
  float activation_min = 0.0f;
  float activation_max = 0.0f;
  // Set for an int8 convolution; the activation bounds are then in units of
  // the output scale (bound / s_y), relative to the output zero point.
  struct Quantized {
    at::ScalarType src = at::kByte;  // kByte or kChar, as is dst
    at::ScalarType dst = at::kByte;
    std::vector<float> output_scales;  // s_x * s_w / s_y: one, or one per output channel
    std::int32_t src_zero_point = 0;
    std::int32_t dst_zero_point = 0;
  };
  std::optional<Quantized> quantized;
};

// True when oneDNN's int8 convolutions are exact on this CPU: with VNNI
// (AVX512-VNNI or AVX-VNNI). Without it oneDNN multiplies u8 by s8 pairs
// with vpmaddubsw, whose int16 sums saturate (by tens of output steps on
// ordinary weights), so quantized convolutions keep to the exact int32
// kernels instead.
bool direct_int8_conv_exact();

// True when `p` describes an int8 convolution either path can run: quantized
// set, a 4-D int8 weight, uint8/int8 source and destination, one output
// scale or one per output channel.
bool quantized_params_fit(const DirectConvParams& p);

// Returns null when the direct path does not apply (built without oneDNN, a
// weight that is not a 4-D float32 tensor, not int8 for a quantized
// convolution, or a quantized one on a CPU without VNNI); the caller then
// uses ATen or the int32 kernels.
std::shared_ptr<DirectConv> make_direct_conv(DirectConvParams params);

// Runs x [N, C, H, W] (float32, any layout: made channels-last if it is not)
// with weight `w` (must be the params' weight tensor itself) and `bias`
// (undefined or [OC] float32; int32 for a quantized convolution, whose x and
// result have the params' source and destination types). The result is
// channels-last, from the c10 CPU allocator (i.e. the run's arena), with the
// fused activation applied.
// Returns an undefined tensor when this call does not fit the direct path
// (another weight, dtype or rank, a shape oneDNN refuses); the caller then
// falls back to ATen.
at::Tensor run_direct_conv(DirectConv& conv, const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias);

// Number of cached primitives (all shapes, all concurrent users) of `conv`.
std::size_t direct_conv_cache_size(const DirectConv& conv);

}  // namespace kenning::onnx_exec
