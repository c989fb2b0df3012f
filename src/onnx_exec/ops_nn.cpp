// Neural-network ops: convolution, pooling, Gemm/MatMul, normalisation,
// softmax family, Dropout (inference only).
#include <algorithm>
#include <limits>

#include "onnx_exec/fusion.h"
#include "onnx_exec/int8_loops.h"
#include "kenning/core/error.h"
#include "onnx_exec/onednn_conv.h"
#include "onnx_exec/op_table.h"

namespace kenning::onnx_exec {
namespace {

using Ints = std::vector<std::int64_t>;

// Window attributes common to Conv and the pools, with pads resolved per
// call because SAME_* padding depends on the input size.
struct Window {
  Ints kernel, strides, dilations, pads;  // pads: begins then ends (ONNX order)
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;

  static Window read(const OpContext& ctx, std::size_t spatial) {
    Window w;
    w.kernel = ctx.attr_ints("kernel_shape");
    w.strides = ctx.attr_ints("strides", Ints(spatial, 1));
    w.dilations = ctx.attr_ints("dilations", Ints(spatial, 1));
    w.pads = ctx.attr_ints("pads", Ints(2 * spatial, 0));
    w.auto_pad = read_auto_pad(ctx);
    w.ceil_mode = ctx.attr_int("ceil_mode", 0) != 0;
    if (w.strides.size() != spatial || w.dilations.size() != spatial || w.pads.size() != 2 * spatial) {
      throw BackendError(ctx.where() + ": strides/dilations/pads do not match " + std::to_string(spatial) +
                         " spatial dimensions");
    }
    return w;
  }

  // Begin/end pads for an input whose spatial sizes are `in`.
  void resolve(const at::Tensor& x, Ints& begin, Ints& end) const {
    resolve_pads(x, kernel, strides, dilations, pads, auto_pad, begin, end);
  }
};

// Pads the spatial dimensions (2..) of x with `value`.
at::Tensor pad_spatial(const at::Tensor& x, const Ints& begin, const Ints& end, double value) {
  std::vector<std::int64_t> p;
  for (std::size_t i = begin.size(); i-- > 0;) {
    p.push_back(begin[i]);
    p.push_back(end[i]);
  }
  return at::constant_pad_nd(x, p, value);
}

// True when torch's own symmetric padding can express the pads.
bool native_pads(const Ints& begin, const Ints& end, const Ints& kernel) {
  for (std::size_t i = 0; i < begin.size(); ++i) {
    if (begin[i] != end[i] || begin[i] * 2 > kernel[i]) return false;
  }
  return true;
}

// Debian's libtorch has a generic (reference) BLAS, so at::convolution's
// im2col+gemm path is ~10x slower than oneDNN's direct kernels at small
// batches; oneDNN is built in, so 2-D float convolutions go there.
bool use_onednn(const at::Tensor& x, const at::Tensor& w) {
  return at::hasMKLDNN() && x.dim() == 4 && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat;
}

// oneDNN's kernels for plain NCHW fall back to slow generic code for
// depthwise and 1x1 convolutions (a 32-channel 112x112 depthwise 3x3: ~80 ms
// NCHW against ~1 ms NHWC), so 2-D convolutions run channels-last. Later
// elementwise ops keep that layout; every op is layout-agnostic (ATen
// strides), and the runtime makes outputs contiguous.
at::Tensor convolution(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, const Ints& strides,
                       const Ints& padding, const Ints& dilations, std::int64_t group) {
  if (use_onednn(x, w) && (!bias.defined() || bias.scalar_type() == at::kFloat)) {
    constexpr auto nhwc = at::MemoryFormat::ChannelsLast;
    return at::mkldnn_convolution(x.contiguous(nhwc), w.contiguous(nhwc),
                                  bias.defined() ? c10::optional<at::Tensor>(bias.contiguous()) : c10::nullopt, padding,
                                  strides, dilations, group);
  }
  const std::size_t n = strides.size();
  return at::convolution(x, w, bias, strides, padding, dilations, false, Ints(n, 0), group);
}

void check_spatial(const OpContext& ctx, std::size_t n) {
  if (n < 1 || n > 3) ctx.unsupported(std::to_string(n) + "-D windows");
}

}  // namespace

DirectConvParams direct_conv_params(const OpContext& ctx, const at::Tensor& w, std::int64_t group,
                                    const std::string& auto_pad) {
  DirectConvParams p;
  const Ints kernel = ctx.attr_ints("kernel_shape");
  const Ints strides = ctx.attr_ints("strides", Ints(2, 1));
  const Ints dilations = ctx.attr_ints("dilations", Ints(2, 1));
  const Ints pads = ctx.attr_ints("pads", Ints(4, 0));
  if ((!kernel.empty() && (kernel.size() != 2 || kernel[0] != w.size(2) || kernel[1] != w.size(3))) ||
      strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    return p;
  }
  p.weight = w;
  p.group = group;
  std::copy(strides.begin(), strides.end(), p.strides);
  std::copy(dilations.begin(), dilations.end(), p.dilations);
  std::copy(pads.begin(), pads.end(), p.pads);
  using AutoPad = DirectConvParams::AutoPad;
  p.auto_pad = auto_pad == "VALID"        ? AutoPad::Valid
               : auto_pad == "SAME_UPPER" ? AutoPad::SameUpper
               : auto_pad == "SAME_LOWER" ? AutoPad::SameLower
                                          : AutoPad::NotSet;
  p.fused = ctx.has(kFusedActivation);
  p.activation_min = ctx.attr_float(kFusedClipMin, 0.0f);
  p.activation_max = ctx.attr_float(kFusedClipMax, 0.0f);
  return p;
}

namespace {

Kernel make_conv(const OpContext& ctx) {
  const std::int64_t group = ctx.attr_int("group", 1);
  const Ints kernel_attr = ctx.attr_ints("kernel_shape");
  const std::string where = ctx.where();
  const std::string auto_pad = read_auto_pad(ctx);
  // A Relu or Clip the load-time fusion (fusion.h) moved into this node.
  const bool fused_activation = ctx.has(kFusedActivation);
  const float clip_min = ctx.attr_float(kFusedClipMin, 0.0f);
  const float clip_max = ctx.attr_float(kFusedClipMax, 0.0f);
  // 2-D float convolutions with a constant weight run on oneDNN directly
  // (onednn_conv.h): weight reordered once, no per-call setup.
  std::shared_ptr<DirectConv> direct;
  if (const at::Tensor* w = ctx.constant_input(1); w && w->dim() == 4) {
    direct = make_direct_conv(direct_conv_params(ctx, *w, group, auto_pad));
  }
  // The weight's rank gives the spatial rank; read lazily as W may be an input.
  return [ctx_auto = auto_pad, fused_activation, clip_min, clip_max, strides = ctx.attr_ints("strides"),
          dil = ctx.attr_ints("dilations"), pads = ctx.attr_ints("pads"), group, kernel_attr, where,
          direct](const Values& in) {
    const at::Tensor& x = in[0];
    const at::Tensor& w = in[1];
    if (direct) {
      at::Tensor y = run_direct_conv(*direct, x, w, in.size() > 2 ? in[2] : at::Tensor());
      if (y.defined()) return Values{std::move(y)};
    }
    const std::size_t n = static_cast<std::size_t>(w.dim() - 2);
    if (x.dim() != w.dim() || n < 1 || n > 3) {
      throw BackendError(where + ": input rank " + std::to_string(x.dim()) + " and weight rank " +
                         std::to_string(w.dim()) + " do not fit a 1-3D conv");
    }
    Window win;
    win.kernel = kernel_attr.empty() ? Ints(w.sizes().begin() + 2, w.sizes().end()) : kernel_attr;
    win.strides = strides.empty() ? Ints(n, 1) : strides;
    win.dilations = dil.empty() ? Ints(n, 1) : dil;
    win.pads = pads.empty() ? Ints(2 * n, 0) : pads;
    win.auto_pad = ctx_auto;
    Ints begin, end;
    win.resolve(x, begin, end);
    at::Tensor input = x;
    Ints padding = begin;
    if (begin != end) {
      input = pad_spatial(x, begin, end, 0.0);
      padding.assign(n, 0);
    }
    const at::Tensor bias = in.size() > 2 ? in[2] : at::Tensor();
    at::Tensor y = convolution(input, w, bias, win.strides, padding, win.dilations, group);
    if (fused_activation) y.clamp_(clip_min, clip_max);  // in place: no second buffer
    return Values{y};
  };
}

// 2-D windows that tile the input (stride = kernel, no padding or dilation,
// floor mode): the quantized models' 2x2 pools.
bool is_block_pool(const Window& win, const Ints& begin, const Ints& end) {
  if (win.kernel.size() != 2 || win.ceil_mode || win.strides != win.kernel) return false;
  for (std::size_t i = 0; i < 2; ++i) {
    if (win.dilations[i] != 1 || begin[i] != 0 || end[i] != 0) return false;
  }
  return true;
}

Kernel make_max_pool(const OpContext& ctx) {
  if (ctx.has_output(1)) ctx.unsupported("MaxPool's Indices output");
  const Ints kernel = ctx.attr_ints("kernel_shape");
  check_spatial(ctx, kernel.size());
  const Window win = Window::read(ctx, kernel.size());
  return [win](const Values& in) {
    Ints begin, end;
    win.resolve(in[0], begin, end);
    const at::ScalarType type = in[0].scalar_type();
    const bool integral = at::isIntegralType(type, true);
    const bool int8 = type == at::kByte || type == at::kChar;
    if (int8 && is_block_pool(win, begin, end)) return Values{block_max_pool2d(in[0], win.kernel[0], win.kernel[1])};
    // ATen pools floats only; integers round-trip exactly through float
    // (8-bit) or double.
    at::Tensor x = integral ? in[0].to(int8 ? at::kFloat : at::kDouble) : in[0];
    Ints padding = begin;
    if (!native_pads(begin, end, win.kernel)) {
      x = pad_spatial(x, begin, end, -std::numeric_limits<double>::infinity());
      padding.assign(begin.size(), 0);
    }
    at::Tensor y;
    switch (win.kernel.size()) {
      case 1:
        y = at::max_pool1d(x, win.kernel, win.strides, padding, win.dilations, win.ceil_mode);
        break;
      case 2:
        y = at::max_pool2d(x, win.kernel, win.strides, padding, win.dilations, win.ceil_mode);
        break;
      default:
        y = at::max_pool3d(x, win.kernel, win.strides, padding, win.dilations, win.ceil_mode);
    }
    return Values{integral ? y.to(in[0].scalar_type()) : y};
  };
}

at::Tensor avg_pool(const at::Tensor& x, const Ints& k, const Ints& s, const Ints& p, bool ceil, bool include_pad) {
  switch (k.size()) {
    case 1:
      return at::avg_pool1d(x, k, s, p, ceil, include_pad);
    case 2:
      return at::avg_pool2d(x, k, s, p, ceil, include_pad);
    default:
      return at::avg_pool3d(x, k, s, p, ceil, include_pad);
  }
}

Kernel make_avg_pool(const OpContext& ctx) {
  const Ints kernel = ctx.attr_ints("kernel_shape");
  check_spatial(ctx, kernel.size());
  const Window win = Window::read(ctx, kernel.size());
  for (std::int64_t d : win.dilations) {
    if (d != 1) ctx.unsupported("AveragePool with dilations");
  }
  const bool include_pad = ctx.attr_int("count_include_pad", 0) != 0;
  return [win, include_pad](const Values& in) {
    Ints begin, end;
    win.resolve(in[0], begin, end);
    const at::Tensor& x = in[0];
    if (native_pads(begin, end, win.kernel)) {
      return Values{avg_pool(x, win.kernel, win.strides, begin, win.ceil_mode, include_pad)};
    }
    const Ints zero(begin.size(), 0);
    const at::Tensor sum =
        avg_pool(pad_spatial(x, begin, end, 0.0), win.kernel, win.strides, zero, win.ceil_mode, true);
    if (include_pad) return Values{sum};
    // Average over real elements only: divide by the share of the window inside x.
    const at::Tensor mask = pad_spatial(at::ones_like(x), begin, end, 0.0);
    const at::Tensor share = avg_pool(mask, win.kernel, win.strides, zero, win.ceil_mode, true);
    return Values{sum / share};
  };
}

// Softmax-like ops: before opset 13 they work on x coerced to 2-D at `axis`.
template <class Fn>
Kernel make_softmax_like(const OpContext& ctx, Fn fn) {
  const bool legacy = ctx.opset() < 13;
  const std::int64_t axis_attr = ctx.attr_int("axis", legacy ? 1 : -1);
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    const std::int64_t axis = normalize_axis(axis_attr, std::max<std::int64_t>(x.dim(), 1), where);
    if (!legacy) return Values{fn(x, axis)};
    const Ints shape = shape_of(x);
    std::int64_t outer = 1;
    for (std::int64_t i = 0; i < axis; ++i) outer *= shape[i];
    return Values{fn(x.reshape({outer, -1}), 1).reshape(shape)};
  };
}

Kernel make_global_average_pool(const OpContext&) {
  return [](const Values& in) {
    const at::Tensor& x = in[0];
    Ints dims;
    for (std::int64_t i = 2; i < x.dim(); ++i) dims.push_back(i);
    return Values{x.mean(dims, true)};
  };
}

Kernel make_global_max_pool(const OpContext&) {
  return [](const Values& in) {
    const at::Tensor& x = in[0];
    Ints dims;
    for (std::int64_t i = 2; i < x.dim(); ++i) dims.push_back(i);
    return Values{at::amax(x, dims, true)};
  };
}

Kernel make_gemm(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 1.0f);
  const double beta = ctx.attr_float("beta", 1.0f);
  const bool ta = ctx.attr_int("transA", 0) != 0;
  const bool tb = ctx.attr_int("transB", 0) != 0;
  // A constant B makes Gemm a 1x1 convolution on the direct oneDNN path
  // (onednn_conv.h), with a constant [N] C as its bias when alpha = beta = 1.
  std::shared_ptr<DirectConv> direct;
  at::Tensor source_b, direct_w;  // B as the graph holds it; as an [N, K, 1, 1] weight
  bool c_as_bias = false;
  if (const at::Tensor* b = ctx.constant_input(1); b && !ta && b->dim() == 2 && b->scalar_type() == at::kFloat) {
    source_b = *b;
    const at::Tensor w = (tb ? *b : b->t()).contiguous();
    direct_w = w.view({w.size(0), w.size(1), 1, 1});
    DirectConvParams p;
    p.weight = direct_w;
    direct = make_direct_conv(p);
    const at::Tensor* c = ctx.constant_input(2);
    c_as_bias =
        c && alpha == 1.0 && beta == 1.0 && c->dim() == 1 && c->size(0) == w.size(0) && c->scalar_type() == at::kFloat;
  }
  return [=](const Values& in) {
    if (direct && in[0].dim() == 2 && in[1].unsafeGetTensorImpl() == source_b.unsafeGetTensorImpl()) {
      const at::Tensor& a = in[0];
      at::Tensor y =
          run_direct_conv(*direct, a.reshape({a.size(0), a.size(1), 1, 1}), direct_w, c_as_bias ? in[2] : at::Tensor());
      if (y.defined()) {
        y = y.view({a.size(0), direct_w.size(0)});
        if (c_as_bias) return Values{std::move(y)};
        if (alpha != 1.0) y = y * alpha;
        if (in.size() > 2 && in[2].defined()) y = beta == 1.0 ? y + in[2] : y + in[2] * beta;
        return Values{std::move(y)};
      }
    }
    const at::Tensor a = ta ? in[0].t() : in[0];
    // As a 1x1 convolution on oneDNN (see use_onednn): weight [N, K], input [M, K].
    const at::Tensor w = tb ? in[1] : in[1].t();
    at::Tensor y;
    if (a.dim() == 2 && w.dim() == 2 && use_onednn(a.reshape({a.size(0), a.size(1), 1, 1}), w)) {
      y = convolution(a.reshape({a.size(0), a.size(1), 1, 1}), w.reshape({w.size(0), w.size(1), 1, 1}), at::Tensor(),
                      {1, 1}, {0, 0}, {1, 1}, 1)
              .view({a.size(0), w.size(0)});
    } else {
      y = at::matmul(a, w.t());
    }
    if (alpha != 1.0) y = y * alpha;
    if (in.size() > 2 && in[2].defined()) y = beta == 1.0 ? y + in[2] : y + in[2] * beta;
    return Values{y};
  };
}

Kernel make_matmul(const OpContext&) {
  return [](const Values& in) { return Values{at::matmul(in[0], in[1])}; };
}

Kernel make_batch_normalization(const OpContext& ctx) {
  if (ctx.attr_int("training_mode", 0) != 0) ctx.unsupported("training_mode=1");
  if (ctx.attr_int("spatial", 1) != 1) ctx.unsupported("spatial=0");
  if (ctx.num_outputs() > 1) ctx.unsupported("training outputs (running mean/var)");
  const double eps = ctx.attr_float("epsilon", 1e-5f);
  return [eps](const Values& in) {
    const at::Tensor& x = in[0];
    return Values{at::batch_norm(x, in[1].to(x.scalar_type()), in[2].to(x.scalar_type()), in[3].to(x.scalar_type()),
                                 in[4].to(x.scalar_type()), false, 0.0, eps, false)};
  };
}

Kernel make_softmax(const OpContext& ctx) {
  return make_softmax_like(ctx, [](const at::Tensor& x, std::int64_t d) { return at::softmax(x, d); });
}

Kernel make_log_softmax(const OpContext& ctx) {
  return make_softmax_like(ctx, [](const at::Tensor& x, std::int64_t d) { return at::log_softmax(x, d); });
}

Kernel make_dropout(const OpContext& ctx) {
  if (ctx.has_input(2)) ctx.unsupported("Dropout's training_mode input");
  const bool bool_mask = ctx.opset() >= 10;
  return [bool_mask](const Values& in) {
    const at::Tensor& x = in[0];
    return Values{x, bool_mask ? at::ones_like(x, at::kBool) : at::ones_like(x)};
  };
}

}  // namespace

void register_nn_ops(OpTable& t) {
  t["Conv"] = make_conv;
  t["MaxPool"] = make_max_pool;
  t["AveragePool"] = make_avg_pool;
  t["GlobalAveragePool"] = make_global_average_pool;
  t["GlobalMaxPool"] = make_global_max_pool;
  t["Gemm"] = make_gemm;
  t["MatMul"] = make_matmul;
  t["BatchNormalization"] = make_batch_normalization;
  t["Softmax"] = make_softmax;
  t["LogSoftmax"] = make_log_softmax;
  t["Dropout"] = make_dropout;
}

}  // namespace kenning::onnx_exec
