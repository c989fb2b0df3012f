// ConvTranspose: Conv's gradient with respect to its input, with ONNX's ways
// of fixing the output size (pads, output_padding, output_shape, auto_pad).
#include <algorithm>

#include "kenning/core/error.h"
#include "onnx_exec/op_table.h"

namespace kenning::onnx_exec {
namespace {

using Ints = std::vector<std::int64_t>;

struct ConvTransposeAttrs {
  Ints kernel, strides, dilations, pads, output_padding, output_shape;  // may be empty
  std::string auto_pad;
  std::int64_t group = 1;
};

// Attribute `v`, or `n` copies of `fallback` when absent; its size must be `n`.
Ints sized(const Ints& v, std::size_t n, std::int64_t fallback, const char* name, const std::string& where) {
  if (v.empty()) return Ints(n, fallback);
  if (v.size() != n) {
    throw BackendError(where + ": attribute '" + name + "' has " + std::to_string(v.size()) + " values for " +
                       std::to_string(n) + " spatial dimensions");
  }
  return v;
}

// Output cropping per spatial axis: `begin`/`end` remove outputs of the full
// transposed convolution (negative values add zeros there).
struct Crop {
  Ints begin, end;
};

Crop resolve_crop(const ConvTransposeAttrs& a, const at::Tensor& x, const Ints& kernel, const Ints& strides,
                  const Ints& dilations, const Ints& out_pad, const std::string& where) {
  const std::size_t n = kernel.size();
  Crop c{Ints(n, 0), Ints(n, 0)};
  const bool same = a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER";
  if (a.output_shape.empty() && !same) {
    if (a.auto_pad == "VALID") return c;
    const Ints pads = sized(a.pads, 2 * n, 0, "pads", where);
    c.begin.assign(pads.begin(), pads.begin() + n);
    c.end.assign(pads.begin() + n, pads.end());
    return c;
  }
  // output_shape (or SAME_*'s input * stride) fixes the size; the spec derives
  // the pads from it. Some exporters write N and C in front: use the last n.
  if (!a.output_shape.empty() && a.output_shape.size() != n && a.output_shape.size() != n + 2) {
    throw BackendError(where + ": attribute 'output_shape' has " + std::to_string(a.output_shape.size()) +
                       " values for " + std::to_string(n) + " spatial dimensions");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t in = x.size(static_cast<std::int64_t>(i + 2));
    const std::int64_t out = a.output_shape.empty() ? in * strides[i] : a.output_shape[a.output_shape.size() - n + i];
    const std::int64_t total = strides[i] * (in - 1) + out_pad[i] + (kernel[i] - 1) * dilations[i] + 1 - out;
    if (total < 0) {
      // A larger output than the full one: zeros at the end, as onnxruntime
      // does and the suite's output_shape test expects.
      c.end[i] = total;
    } else if (a.auto_pad == "SAME_UPPER") {
      c.begin[i] = total / 2;
      c.end[i] = total - total / 2;
    } else {
      c.begin[i] = total - total / 2;
      c.end[i] = total / 2;
    }
  }
  return c;
}

Kernel make_conv_transpose(const OpContext& ctx) {
  ConvTransposeAttrs a;
  a.auto_pad = read_auto_pad(ctx);
  a.group = ctx.attr_int("group", 1);
  if (a.group < 1) throw BackendError(ctx.where() + ": group must be positive");
  a.kernel = ctx.attr_ints("kernel_shape");
  a.strides = ctx.attr_ints("strides");
  a.dilations = ctx.attr_ints("dilations");
  a.pads = ctx.attr_ints("pads");
  a.output_padding = ctx.attr_ints("output_padding");
  a.output_shape = ctx.attr_ints("output_shape");
  const std::string where = ctx.where();

  // The weight's rank gives the spatial rank; read per call as W may be an input.
  return [a, where](const Values& in) {
    const at::Tensor& x = in[0];
    const at::Tensor& w = in[1];
    const std::size_t n = static_cast<std::size_t>(w.dim() - 2);
    if (x.dim() != w.dim() || n < 1 || n > 3) {
      throw BackendError(where + ": input rank " + std::to_string(x.dim()) + " and weight rank " +
                         std::to_string(w.dim()) + " do not fit a 1-3D ConvTranspose");
    }
    const Ints w_kernel(w.sizes().begin() + 2, w.sizes().end());
    const Ints kernel = a.kernel.empty() ? w_kernel : a.kernel;
    if (kernel != w_kernel) {
      throw BackendError(where + ": kernel_shape does not match the weight's spatial shape");
    }
    const Ints strides = sized(a.strides, n, 1, "strides", where);
    const Ints dilations = sized(a.dilations, n, 1, "dilations", where);
    const Ints out_pad = sized(a.output_padding, n, 0, "output_padding", where);
    const Crop crop = resolve_crop(a, x, kernel, strides, dilations, out_pad, where);
    const at::Tensor bias = in.size() > 2 ? in[2] : at::Tensor();

    // Symmetric non-negative crops with a small output_padding are ATen's own
    // padding; anything else crops (or extends) the full output.
    bool native = true;
    for (std::size_t i = 0; i < n; ++i) {
      native = native && crop.begin[i] == crop.end[i] && crop.begin[i] >= 0 &&
               out_pad[i] < std::max(strides[i], dilations[i]);
    }
    if (native) {
      return Values{at::convolution(x, w, bias, strides, crop.begin, dilations, true, out_pad, a.group)};
    }
    at::Tensor y = at::convolution(x, w, at::Tensor(), strides, Ints(n, 0), dilations, true, Ints(n, 0), a.group);
    Ints pad;  // constant_pad_nd's order: last dimension first
    for (std::size_t i = n; i-- > 0;) {
      const std::int64_t len = y.size(static_cast<std::int64_t>(i + 2)) + out_pad[i] - crop.begin[i] - crop.end[i];
      if (len <= 0) {
        throw BackendError(where + ": pads leave no output along spatial axis " + std::to_string(i));
      }
      pad.push_back(-crop.begin[i]);
      pad.push_back(out_pad[i] - crop.end[i]);
    }
    y = at::constant_pad_nd(y, pad, 0.0);
    if (bias.defined()) {
      Ints shape(static_cast<std::size_t>(y.dim()), 1);
      shape[1] = -1;
      y = y + bias.reshape(shape);
    }
    return Values{y};
  };
}

}  // namespace

void register_conv_transpose_ops(OpTable& t) { t["ConvTranspose"] = make_conv_transpose; }

}  // namespace kenning::onnx_exec
