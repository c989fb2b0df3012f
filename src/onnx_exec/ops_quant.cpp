// Linear quantization: QuantizeLinear, DequantizeLinear, and the integer
// kernels QLinearMatMul, QLinearConv, and QLinearGemm and QLinearAdd (the
// QDQ fusion's quantized Gemm/MatMul and Add, qdq_fusion.h).
//
// The integer kernels really compute in integers: zero points are subtracted
// in int32 and products accumulate in int32 (ATen's CPU matmul runs on int32;
// convolution becomes an int32 matmul over unfolded windows, as ATen has no
// integer convolution). Only the final requantization is float, as the spec
// and onnxruntime do it: round_half_even(acc * (s_in * s_w / s_out)) + zp,
// saturated to the output type.
//
// With oneDNN, QLinearConv and QLinearGemm with constant weights, scales and
// zero points (and symmetric weights) run as oneDNN convolutions
// (int8_conv_path.h); these kernels remain the reference and the fallback.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "onnx_exec/fusion.h"
#include "onnx_exec/int8_conv_path.h"
#include "onnx_exec/int8_loops.h"
#include "kenning/core/error.h"
#include "onnx_exec/onednn_conv.h"
#include "onnx_exec/op_table.h"

namespace kenning::onnx_exec {
namespace {

using Ints = std::vector<std::int64_t>;

// Scales and zero points are scalars (per tensor) or 1-D along `axis` of
// `like` (per axis). Returns `p` shaped to broadcast against `like`. A
// one-element 1-D tensor counts as per tensor, as onnxruntime reads it.
at::Tensor along_axis(const at::Tensor& p, std::int64_t axis, const at::Tensor& like, const char* what,
                      const std::string& where) {
  if (p.numel() == 1) return p.reshape({});
  // Only per-axis parameters need a valid axis (per tensor, x may be 1-D).
  axis = normalize_axis(axis, std::max<std::int64_t>(like.dim(), 1), where);
  const std::int64_t size = like.dim() == 0 ? 1 : like.size(axis);
  if (p.dim() != 1 || p.size(0) != size) {
    std::ostringstream s;
    s << where << ": " << what << " of shape " << p.sizes() << " is neither a scalar nor 1-D of size " << size
      << " along axis " << axis;
    throw BackendError(s.str());
  }
  Ints shape(static_cast<std::size_t>(like.dim()), 1);
  shape[axis] = size;
  return p.reshape(shape);
}

// The range of a quantized type.
std::pair<double, double> saturation(at::ScalarType t, const std::string& where) {
  switch (t) {
    case at::kByte:
      return {0, 255};
    case at::kChar:
      return {-128, 127};
    default:
      throw NotSupported(where + ": quantized type " + std::string(c10::toString(t)) +
                         " is not supported (only uint8 and int8)");
  }
}

// round_half_even(v) + zero_point, saturated and cast to the zero point's type.
at::Tensor requantize(const at::Tensor& v, const at::Tensor& zero_point, const std::string& where) {
  const auto [lo, hi] = saturation(zero_point.scalar_type(), where);
  // torch.round rounds halves to even, as the spec asks.
  return (at::round(v) + zero_point.to(at::kFloat)).clamp(lo, hi).to(zero_point.scalar_type());
}

// Optional zero point input `i`; absent means 0 of type `type`.
at::Tensor zero_point(const Values& in, std::size_t i, at::ScalarType type) {
  if (in.size() > i && in[i].defined()) return in[i];
  return at::zeros({}, at::TensorOptions().dtype(type));
}

// Per-tensor only: QLinearConv's x and y parameters.
at::Tensor scalar(const at::Tensor& p, const char* what, const std::string& where) {
  if (p.numel() != 1) throw BackendError(where + ": " + what + " must be a scalar");
  return p.reshape({});
}

// A Relu or Clip the QDQ fusion moved into a quantized node (bounds in real
// units, as fusion.h writes them). Quantization is monotonic, so
// Q(clip(y, lo, hi)) = clamp(Q(y), Q(lo), Q(hi)): exact on the integers.
struct Activation {
  bool fused = false;
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();

  static Activation read(const OpContext& ctx) {
    Activation a;
    a.fused = ctx.has(kFusedActivation);
    if (a.fused) {
      a.lo = ctx.attr_float(kFusedClipMin, a.lo);
      a.hi = ctx.attr_float(kFusedClipMax, a.hi);
      if (std::isnan(a.lo) || std::isnan(a.hi) || a.lo > a.hi) {
        ctx.unsupported("a fused activation with bounds " + std::to_string(a.lo) + ", " + std::to_string(a.hi));
      }
    }
    return a;
  }

  // Clamps the quantized y in place.
  void apply(at::Tensor& y, const at::Tensor& y_scale, const at::Tensor& y_zp, const std::string& where) const {
    if (!fused) return;
    const auto [q_lo, q_hi] = saturation(y.scalar_type(), where);
    // In float, as QuantizeLinear divides.
    const float s = y_scale.to(at::kFloat).item<float>();
    const double zp = y_zp.item<double>();
    const auto quantize = [&](float v) { return std::clamp(std::nearbyint(double(v / s)) + zp, q_lo, q_hi); };
    // Integer bounds: ATen refuses to clamp a uint8 tensor in place with floats.
    y.clamp_(static_cast<std::int64_t>(quantize(lo)), static_cast<std::int64_t>(quantize(hi)));
  }
};

// The oneDNN int8 convolution for weight `w` (a constant [OC, IC/g, KH, KW]
// int8 tensor) when everything it needs is constant: x and y scale and zero
// point, a symmetric weight. Input indices follow QLinearConv's layout.
std::shared_ptr<Int8ConvPath> quantized_direct_conv(const OpContext& ctx, DirectConvParams p, const Activation& act) {
  if (!direct_conv_available() || !p.weight.defined()) return nullptr;
  const at::Tensor* x_scale = ctx.constant_input(1);
  const at::Tensor* x_zp = ctx.constant_input(2);
  const at::Tensor* w_scale = ctx.constant_input(4);
  const at::Tensor* w_zp = ctx.constant_input(5);
  const at::Tensor* y_scale = ctx.constant_input(6);
  const at::Tensor* y_zp = ctx.constant_input(7);
  if (!x_scale || !x_zp || !w_scale || !w_zp || !y_scale || !y_zp) return nullptr;
  const std::int64_t out_channels = p.weight.size(0);
  if (x_scale->numel() != 1 || x_zp->numel() != 1 || y_scale->numel() != 1 || y_zp->numel() != 1 ||
      (w_scale->numel() != 1 && w_scale->numel() != out_channels) || w_zp->ne(0).any().item<bool>()) {
    return nullptr;
  }
  DirectConvParams::Quantized q;
  q.src = x_zp->scalar_type();
  q.dst = y_zp->scalar_type();
  q.src_zero_point = x_zp->to(at::kInt).item<std::int32_t>();
  q.dst_zero_point = y_zp->to(at::kInt).item<std::int32_t>();
  // The same float arithmetic as the integer kernels' multiplier.
  const at::Tensor scales = (x_scale->to(at::kFloat).reshape({}) * w_scale->to(at::kFloat).reshape({-1}) /
                             y_scale->to(at::kFloat).reshape({}))
                                .contiguous();
  q.output_scales.assign(scales.data_ptr<float>(), scales.data_ptr<float>() + scales.numel());
  p.quantized = q;
  p.fused = act.fused;
  const float s = y_scale->to(at::kFloat).item<float>();
  p.activation_min = act.lo / s;
  p.activation_max = act.hi / s;
  return Int8ConvPath::make(std::move(p));
}

std::int64_t axis_attr(const OpContext& ctx) {
  // Opset 10 quantizes per tensor only; 13 added `axis` (default 1).
  if (ctx.opset() < 13 && ctx.has("axis")) ctx.unsupported("attribute 'axis' before opset 13");
  return ctx.attr_int("axis", 1);
}

// Constant per-tensor scale (input 1) and zero point (input 2) of a
// QuantizeLinear/DequantizeLinear, read once for the plain loops (int8_loops.h).
struct PerTensor {
  bool known = false;
  float scale = 1.0f;
  std::int32_t zero_point = 0;
  at::ScalarType type = at::kByte;

  static PerTensor read(const OpContext& ctx) {
    PerTensor p;
    const at::Tensor* s = ctx.constant_input(1);
    const at::Tensor* zp = ctx.constant_input(2);
    if (!s || !zp || s->numel() != 1 || zp->numel() != 1 || s->scalar_type() != at::kFloat ||
        (zp->scalar_type() != at::kByte && zp->scalar_type() != at::kChar)) {
      return p;
    }
    p.known = true;
    p.scale = s->item<float>();
    p.zero_point = zp->to(at::kInt).item<std::int32_t>();
    p.type = zp->scalar_type();
    return p;
  }
};

Kernel make_quantize(const OpContext& ctx) {
  const std::int64_t axis_a = axis_attr(ctx);
  if (ctx.has("saturate")) ctx.unsupported("attribute 'saturate' (float8, opset 19)");
  const PerTensor fast = PerTensor::read(ctx);
  const std::string where = ctx.where();
  return [axis_a, fast, where](const Values& in) {
    const at::Tensor& x = in[0];
    if (fast.known && x.scalar_type() == at::kFloat) {
      return Values{quantize_per_tensor(x, fast.scale, fast.zero_point, fast.type)};
    }
    const at::Tensor scale = along_axis(in[1], axis_a, x, "y_scale", where);
    const at::Tensor zp = along_axis(zero_point(in, 2, at::kByte), axis_a, x, "y_zero_point", where);
    // x / scale in float32, as the reference divides.
    return Values{requantize(x.to(at::kFloat) / scale.to(at::kFloat), zp, where)};
  };
}

Kernel make_dequantize(const OpContext& ctx) {
  const std::int64_t axis_a = axis_attr(ctx);
  const PerTensor fast = PerTensor::read(ctx);
  const std::string where = ctx.where();
  return [axis_a, fast, where](const Values& in) {
    const at::Tensor& x = in[0];
    if (fast.known && x.scalar_type() == fast.type) {
      return Values{dequantize_per_tensor(x, fast.scale, fast.zero_point)};
    }
    if (x.scalar_type() != at::kByte && x.scalar_type() != at::kChar && x.scalar_type() != at::kInt) {
      throw NotSupported(where + ": DequantizeLinear of " + std::string(c10::toString(x.scalar_type())) +
                         " is not supported (only uint8, int8 and int32)");
    }
    const at::Tensor scale = along_axis(in[1], axis_a, x, "x_scale", where);
    const at::Tensor zp = along_axis(zero_point(in, 2, x.scalar_type()), axis_a, x, "x_zero_point", where);
    // The difference is exact in int32; only the scaling is float.
    const at::Tensor diff = x.to(at::kInt) - zp.to(at::kInt);
    return Values{diff.to(at::kFloat) * scale.to(at::kFloat)};
  };
}

// QLinearMatMul: a's parameters may be per row (size M), b's per column (size N).
Kernel make_qlinear_matmul(const OpContext& ctx) {
  const std::string where = ctx.where();
  return [where](const Values& in) {
    const at::Tensor& a = in[0];
    const at::Tensor& b = in[3];
    if (a.dim() < 2 || b.dim() < 2) {
      throw NotSupported(where + ": QLinearMatMul of 1-D operands is not supported");
    }
    const at::Tensor a_scale = along_axis(in[1], -2, a, "a_scale", where);
    const at::Tensor a_zp = along_axis(in[2], -2, a, "a_zero_point", where);
    const at::Tensor b_scale = along_axis(in[4], -1, b, "b_scale", where);
    const at::Tensor b_zp = along_axis(in[5], -1, b, "b_zero_point", where);
    const at::Tensor y_scale = scalar(in[6], "y_scale", where);
    saturation(a.scalar_type(), where);
    saturation(b.scalar_type(), where);
    const at::Tensor acc = at::matmul(a.to(at::kInt) - a_zp.to(at::kInt), b.to(at::kInt) - b_zp.to(at::kInt));
    // Per-row a and per-column b: their product broadcasts to [.., M, N].
    const at::Tensor multiplier = a_scale.to(at::kFloat) * b_scale.to(at::kFloat) / y_scale.to(at::kFloat);
    return Values{requantize(acc.to(at::kFloat) * multiplier, in[7], where)};
  };
}

// Conv window attributes, resolved per call (SAME_* depends on the input size).
struct ConvAttrs {
  Ints kernel, strides, dilations, pads;  // may be empty: defaults per call
  std::string auto_pad;
  std::int64_t group = 1;
};

// Integer convolution of int32 x [N, C, ...] and w [M, C/group, k...]:
// windows are unfolded (views, any dtype) and contracted with an int32
// matmul per group.
at::Tensor int_conv(at::Tensor x, const at::Tensor& w, const Ints& strides, const Ints& dilations, const Ints& begin,
                    const Ints& end, std::int64_t group) {
  const std::int64_t n = w.dim() - 2;
  Ints pad;  // constant_pad_nd's order: last dimension first
  for (std::int64_t i = n; i-- > 0;) {
    pad.push_back(begin[i]);
    pad.push_back(end[i]);
  }
  // After the zero point is subtracted, padding with 0 is padding with x's zero point.
  x = at::constant_pad_nd(x, pad, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t span = (w.size(2 + i) - 1) * dilations[i] + 1;
    x = x.unfold(2 + i, span, strides[i]);  // appends a window dimension
  }
  // [N, C, O..., span...] -> keep every dilation-th window element.
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t d = 2 + n + i;
    x = x.slice(d, 0, x.size(d), dilations[i]);
  }
  const std::int64_t batch = x.size(0), channels = x.size(1), m = w.size(0);
  const Ints out(x.sizes().begin() + 2, x.sizes().begin() + 2 + n);
  std::int64_t positions = 1;
  for (std::int64_t o : out) positions *= o;
  // [N, G, C/G, O..., k...] -> [N, G, O..., C/G, k...] -> [N, G, P, K]
  Ints split = {batch, group, channels / group};
  split.insert(split.end(), x.sizes().begin() + 2, x.sizes().end());
  Ints perm = {0, 1};
  for (std::int64_t i = 0; i < n; ++i) perm.push_back(3 + i);
  perm.push_back(2);
  for (std::int64_t i = 0; i < n; ++i) perm.push_back(3 + n + i);
  const at::Tensor cols = x.reshape(split).permute(perm).reshape({batch, group, positions, -1});
  const at::Tensor wt = w.reshape({group, m / group, -1}).transpose(1, 2);  // [G, K, M/G]
  at::Tensor acc = at::matmul(cols, wt);                                    // [N, G, P, M/G]
  Ints shape = {batch, m};
  shape.insert(shape.end(), out.begin(), out.end());
  return acc.permute({0, 1, 3, 2}).reshape(shape);
}

Kernel make_qlinear_conv(const OpContext& ctx) {
  ConvAttrs a;
  a.auto_pad = read_auto_pad(ctx);
  a.group = ctx.attr_int("group", 1);
  if (a.group < 1) throw BackendError(ctx.where() + ": group must be positive");
  a.kernel = ctx.attr_ints("kernel_shape");
  a.strides = ctx.attr_ints("strides");
  a.dilations = ctx.attr_ints("dilations");
  a.pads = ctx.attr_ints("pads");
  const Activation act = Activation::read(ctx);
  std::shared_ptr<Int8ConvPath> direct;
  if (const at::Tensor* w = ctx.constant_input(3); w && w->dim() == 4) {
    direct = quantized_direct_conv(ctx, direct_conv_params(ctx, *w, a.group, a.auto_pad), act);
  }
  const std::string where = ctx.where();
  return [a, act, direct, where](const Values& in) {
    const at::Tensor& x = in[0];
    const at::Tensor& w = in[3];
    if (direct) {
      at::Tensor y = direct->run(x, w, in.size() > 8 ? in[8] : at::Tensor());
      if (y.defined()) return Values{std::move(y)};
    }
    const std::int64_t n = w.dim() - 2;
    if (x.dim() != w.dim() || n < 1 || n > 3) {
      throw BackendError(where + ": input rank " + std::to_string(x.dim()) + " and weight rank " +
                         std::to_string(w.dim()) + " do not fit a 1-3D QLinearConv");
    }
    const std::int64_t m = w.size(0);
    if (x.size(1) != w.size(1) * a.group || m % a.group != 0) {
      throw BackendError(where + ": channels of input, weight and group do not agree");
    }
    const Ints kernel(w.sizes().begin() + 2, w.sizes().end());
    if (!a.kernel.empty() && a.kernel != kernel) {
      throw BackendError(where + ": kernel_shape does not match the weight's spatial shape");
    }
    const Ints strides = a.strides.empty() ? Ints(n, 1) : a.strides;
    const Ints dilations = a.dilations.empty() ? Ints(n, 1) : a.dilations;
    const Ints pads = a.pads.empty() ? Ints(2 * n, 0) : a.pads;
    if (static_cast<std::int64_t>(strides.size()) != n || static_cast<std::int64_t>(dilations.size()) != n ||
        static_cast<std::int64_t>(pads.size()) != 2 * n) {
      throw BackendError(where + ": strides/dilations/pads do not match " + std::to_string(n) + " spatial dimensions");
    }
    Ints begin, end;
    resolve_pads(x, kernel, strides, dilations, pads, a.auto_pad, begin, end);
    saturation(x.scalar_type(), where);
    saturation(w.scalar_type(), where);
    const at::Tensor x_zp = scalar(in[2], "x_zero_point", where);
    // Weights may be quantized per output channel.
    const at::Tensor w_scale = along_axis(in[4], 0, w, "w_scale", where);
    const at::Tensor w_zp = along_axis(in[5], 0, w, "w_zero_point", where);
    const at::Tensor x_int = x.to(at::kInt) - x_zp.to(at::kInt);
    const at::Tensor w_int = w.to(at::kInt) - w_zp.to(at::kInt);
    at::Tensor acc = int_conv(x_int, w_int, strides, dilations, begin, end, a.group);
    Ints channel_shape(static_cast<std::size_t>(acc.dim()), 1);
    channel_shape[1] = -1;
    if (in.size() > 8 && in[8].defined()) {
      if (in[8].scalar_type() != at::kInt) throw BackendError(where + ": bias B must be int32");
      acc = acc + in[8].reshape(channel_shape);
    }
    const at::Tensor multiplier = scalar(in[1], "x_scale", where).to(at::kFloat) * w_scale.to(at::kFloat) /
                                  scalar(in[6], "y_scale", where).to(at::kFloat);
    const at::Tensor y_zp = scalar(in[7], "y_zero_point", where);
    at::Tensor y = requantize(acc.to(at::kFloat) * multiplier.reshape(channel_shape), y_zp, where);
    act.apply(y, in[6], y_zp, where);
    return Values{y};
  };
}

// QLinearGemm (written by the QDQ fusion, qdq_fusion.h): y = Q(DQ(a) DQ(w)^T
// + DQ(bias)) with a [..., K], w [N, K] (per-tensor or per-N scales), an
// optional int32 bias [N] in units of a_scale * w_scale, and a fused
// activation. A 2-D a with a constant symmetric w runs on oneDNN as a 1x1
// convolution over a [M, K, 1, 1].
Kernel make_qlinear_gemm(const OpContext& ctx) {
  const Activation act = Activation::read(ctx);
  std::shared_ptr<Int8ConvPath> direct;
  at::Tensor w4;  // the constant weight as the 1x1 convolution's [N, K, 1, 1]
  if (const at::Tensor* w = ctx.constant_input(3); w && w->dim() == 2) {
    DirectConvParams p;
    p.weight = w4 = w->reshape({w->size(0), w->size(1), 1, 1});
    direct = quantized_direct_conv(ctx, std::move(p), act);
  }
  const at::Tensor w_const = ctx.constant_input(3) ? *ctx.constant_input(3) : at::Tensor();
  const std::string where = ctx.where();
  return [act, direct, w4, w_const, where](const Values& in) {
    const at::Tensor& a = in[0];
    const at::Tensor& w = in[3];
    // MatMul + Add may have carried a [1, N] bias.
    const at::Tensor bias = in.size() > 8 && in[8].defined() ? in[8].reshape({-1}) : at::Tensor();
    if (direct && a.dim() == 2 && w.unsafeGetTensorImpl() == w_const.unsafeGetTensorImpl()) {
      at::Tensor y = direct->run(a.reshape({a.size(0), a.size(1), 1, 1}), w4, bias);
      if (y.defined()) return Values{y.reshape({a.size(0), -1})};
    }
    if (a.dim() < 1 || w.dim() != 2 || a.size(-1) != w.size(1)) {
      throw BackendError(where + ": input of shape " + c10::str(a.sizes()) + " and weight of shape " +
                         c10::str(w.sizes()) + " do not fit y = a w^T");
    }
    saturation(a.scalar_type(), where);
    saturation(w.scalar_type(), where);
    const at::Tensor a_zp = scalar(in[2], "a_zero_point", where);
    const at::Tensor w_scale = along_axis(in[4], 0, w, "w_scale", where).reshape({-1});
    const at::Tensor w_zp = along_axis(in[5], 0, w, "w_zero_point", where);
    at::Tensor acc = at::matmul(a.to(at::kInt) - a_zp.to(at::kInt), (w.to(at::kInt) - w_zp.to(at::kInt)).t());
    if (bias.defined()) {
      if (bias.scalar_type() != at::kInt || bias.numel() != w.size(0)) {
        throw BackendError(where + ": bias must be int32 with one value per output column");
      }
      acc = acc + bias.reshape({-1});
    }
    const at::Tensor multiplier = scalar(in[1], "a_scale", where).to(at::kFloat) * w_scale.to(at::kFloat) /
                                  scalar(in[6], "y_scale", where).to(at::kFloat);
    const at::Tensor y_zp = scalar(in[7], "y_zero_point", where);
    at::Tensor y = requantize(acc.to(at::kFloat) * multiplier, y_zp, where);
    act.apply(y, in[6], y_zp, where);
    return Values{y};
  };
}

// QLinearAdd (written by the QDQ fusion): y = Q(act(DQ(a) + DQ(b))), per
// tensor, with ONNX broadcasting. Operands of one shape and layout take one
// loop (int8_loops.h) in the same float arithmetic as the op-by-op run.
Kernel make_qlinear_add(const OpContext& ctx) {
  const Activation act = Activation::read(ctx);
  const std::string where = ctx.where();
  return [act, where](const Values& in) {
    const at::Tensor& a = in[0];
    const at::Tensor& b = in[3];
    saturation(a.scalar_type(), where);
    saturation(b.scalar_type(), where);
    auto param = [&](int s, int zp) {
      return QuantScalar{scalar(in[s], "scale", where).to(at::kFloat).item<float>(),
                         scalar(in[zp], "zero_point", where).to(at::kInt).item<std::int32_t>()};
    };
    const at::Tensor& y_zp = in[7];
    at::Tensor y = add_per_tensor(a, param(1, 2), b, param(4, 5), param(6, 7), y_zp.scalar_type(), act.lo, act.hi);
    if (y.defined()) return Values{y};
    auto dequantize = [](const at::Tensor& q, const at::Tensor& s, const at::Tensor& zp) {
      return (q.to(at::kInt) - zp.reshape({}).to(at::kInt)).to(at::kFloat) * s.reshape({}).to(at::kFloat);
    };
    at::Tensor sum = dequantize(a, in[1], in[2]) + dequantize(b, in[4], in[5]);
    if (act.fused) sum.clamp_(act.lo, act.hi);
    return Values{
        requantize(sum / scalar(in[6], "y_scale", where).to(at::kFloat), scalar(y_zp, "y_zero_point", where), where)};
  };
}

}  // namespace

void register_quant_ops(OpTable& t) {
  t["QuantizeLinear"] = make_quantize;
  t["DequantizeLinear"] = make_dequantize;
  t["QLinearMatMul"] = make_qlinear_matmul;
  t["QLinearConv"] = make_qlinear_conv;
  t["QLinearGemm"] = make_qlinear_gemm;
  t["QLinearAdd"] = make_qlinear_add;
}

}  // namespace kenning::onnx_exec
