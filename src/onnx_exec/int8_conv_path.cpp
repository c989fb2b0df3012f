#include "onnx_exec/int8_conv_path.h"

#include <algorithm>
#include <cmath>

namespace kenning::onnx_exec {

namespace {

// x - zero_point as float32, in x's layout (one pass when x is dense).
template <typename T>
at::Tensor shifted_to_float(const at::Tensor& x, std::int32_t zero_point) {
  if (!x.is_non_overlapping_and_dense()) return x.to(at::kFloat) - static_cast<float>(zero_point);
  at::Tensor out = at::empty_like(x, x.options().dtype(at::kFloat));
  const T* in = x.data_ptr<T>();
  float* o = out.data_ptr<float>();
  const float zp = static_cast<float>(zero_point);
  for (std::int64_t i = 0, n = x.numel(); i < n; ++i) o[i] = static_cast<float>(in[i]) - zp;
  return out;
}

// round_half_even(acc * scale[c]) + zero_point, clamped to [lo, hi], with c
// the innermost (channels-last) dimension of acc.
template <typename T>
void requantize_channels_last(const float* acc, T* out, std::int64_t n, std::int64_t channels,
                              const std::vector<float>& scales, std::int32_t zero_point, double lo, double hi) {
  const bool per_channel = scales.size() > 1;
  for (std::int64_t i = 0; i < n; i += channels) {
    for (std::int64_t c = 0; c < channels; ++c) {
      // Float product as the integer kernels compute it; nearbyint rounds halves to even.
      const float v = acc[i + c] * scales[per_channel ? c : 0];
      out[i + c] = static_cast<T>(std::clamp(std::nearbyint(static_cast<double>(v)) + zero_point, lo, hi));
    }
  }
}

}  // namespace

std::shared_ptr<Int8ConvPath> Int8ConvPath::make(DirectConvParams p) {
  if (!p.quantized || !direct_conv_available()) return nullptr;
  auto path = std::make_shared<Int8ConvPath>();
  if (direct_int8_conv_exact()) {
    path->int8_ = make_direct_conv(std::move(p));
    return path->int8_ ? path : nullptr;
  }
  if (!quantized_params_fit(p)) return nullptr;
  const DirectConvParams::Quantized q = *p.quantized;
  path->scales_ = q.output_scales;
  path->src_zero_point_ = q.src_zero_point;
  path->dst_zero_point_ = q.dst_zero_point;
  path->src_type_ = q.src;
  path->dst_type_ = q.dst;
  const double type_lo = q.dst == at::kByte ? 0 : -128, type_hi = q.dst == at::kByte ? 255 : 127;
  path->lo_ = type_lo;
  path->hi_ = type_hi;
  if (p.fused) {
    // The activation bounds are in output steps (quantized_direct_conv); as Activation::apply rounds them.
    path->lo_ = std::clamp(std::nearbyint(static_cast<double>(p.activation_min)) + q.dst_zero_point, type_lo, type_hi);
    path->hi_ = std::clamp(std::nearbyint(static_cast<double>(p.activation_max)) + q.dst_zero_point, type_lo, type_hi);
  }
  path->float_weight_ = p.weight.to(at::kFloat).contiguous();
  DirectConvParams f = std::move(p);
  f.weight = path->float_weight_;
  f.quantized.reset();
  f.fused = false;  // clamped while requantizing
  path->float_ = make_direct_conv(std::move(f));
  return path->float_ ? path : nullptr;
}

at::Tensor Int8ConvPath::run(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) const {
  if (int8_) return run_direct_conv(*int8_, x, w, bias);
  if (x.dim() != 4 || x.scalar_type() != src_type_ || (bias.defined() && bias.scalar_type() != at::kInt)) return {};
  const at::Tensor xf = src_type_ == at::kByte ? shifted_to_float<std::uint8_t>(x, src_zero_point_)
                                               : shifted_to_float<std::int8_t>(x, src_zero_point_);
  const at::Tensor bias_f = bias.defined() ? bias.to(at::kFloat) : at::Tensor();
  at::Tensor acc = run_direct_conv(*float_, xf, float_weight_, bias_f);
  if (!acc.defined()) return {};
  acc = acc.contiguous(at::MemoryFormat::ChannelsLast);
  at::Tensor y = at::empty_like(acc, acc.options().dtype(dst_type_));
  const std::int64_t channels = acc.size(1);
  if (dst_type_ == at::kByte) {
    requantize_channels_last(acc.data_ptr<float>(), y.data_ptr<std::uint8_t>(), acc.numel(), channels, scales_,
                             dst_zero_point_, lo_, hi_);
  } else {
    requantize_channels_last(acc.data_ptr<float>(), y.data_ptr<std::int8_t>(), acc.numel(), channels, scales_,
                             dst_zero_point_, lo_, hi_);
  }
  return y;
}

}  // namespace kenning::onnx_exec
