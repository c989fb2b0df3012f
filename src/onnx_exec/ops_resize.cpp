// Resize (opsets 10, 11, 13+) and Upsample (7, 9) by explicit index and
// weight computation, one spatial axis at a time.
//
// ATen's upsample kernels fix their own coordinate rules (and cubic's A at
// -0.75), so instead every output coordinate is mapped back to the input as
// the ONNX reference does (in double), the taps around it are gathered with
// index_select and weighted. Nearest is a single gather, so it works for any
// dtype; linear and cubic run in double and cast back.
#include <algorithm>
#include <cmath>

#include "kenning/core/error.h"
#include "onnx_exec/op_table.h"

namespace kenning::onnx_exec {
namespace {

using Ints = std::vector<std::int64_t>;

struct ResizeAttrs {
  std::string mode = "nearest";          // nearest | linear | cubic
  std::string transform = "half_pixel";  // coordinate_transformation_mode
  std::string nearest_mode = "round_prefer_floor";
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;  // tf_crop_and_resize only
};

// Taps of one axis: for each output position, `n` input indices (clamped
// into the input) and their weights; `outside` marks positions that
// tf_crop_and_resize fills with the extrapolation value.
struct AxisTaps {
  std::int64_t out = 0;
  int n = 0;
  std::vector<std::int64_t> index;  // out * n
  std::vector<double> weight;       // out * n
  std::vector<bool> outside;        // out
  bool identity = true;             // every output reads its own input position
};

// Weights of the taps left of and around x (ratio in (0, 1]), as the ONNX
// reference's nearest/linear/cubic coefficient functions.
std::vector<double> coefficients(const ResizeAttrs& a, double ratio, bool integral) {
  if (a.mode == "nearest") {
    if (integral) return {0, 1};
    if (a.nearest_mode == "round_prefer_floor") return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
    if (a.nearest_mode == "round_prefer_ceil") return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    if (a.nearest_mode == "floor") return {1, 0};
    return {0, 1};  // ceil
  }
  if (a.mode == "linear") return {1 - ratio, ratio};
  const double A = a.cubic_a;
  const double r1 = ratio + 1, r = ratio, s = 1 - ratio, s1 = 2 - ratio;
  return {((A * r1 - 5 * A) * r1 + 8 * A) * r1 - 4 * A, ((A + 2) * r - (A + 3)) * r * r + 1,
          ((A + 2) * s - (A + 3)) * s * s + 1, ((A * s1 - 5 * A) * s1 + 8 * A) * s1 - 4 * A};
}

// Maps output coordinate x back to the input (the reference's x_original).
// `outside` is set when tf_crop_and_resize samples beyond the input.
double original_coordinate(const ResizeAttrs& a, std::int64_t x, std::int64_t in, double scale, double roi_start,
                           double roi_end, bool& outside) {
  // The reference compares against scale * in, which need not be the integer size.
  const double out_width = scale * static_cast<double>(in);
  const double xd = static_cast<double>(x);
  const double last = static_cast<double>(in - 1);
  if (a.transform == "align_corners") return out_width == 1 ? 0.0 : xd * last / (out_width - 1);
  if (a.transform == "asymmetric") return xd / scale;
  if (a.transform == "tf_half_pixel_for_nn") return (xd + 0.5) / scale;
  if (a.transform == "pytorch_half_pixel") return out_width == 1 ? -0.5 : (xd + 0.5) / scale - 0.5;
  if (a.transform == "tf_crop_and_resize") {
    const double span = roi_end - roi_start;
    double v = out_width == 1 ? span * last / 2 : xd * span * last / (out_width - 1);
    v += roi_start * last;
    outside = v < 0 || v > last;
    return v;
  }
  return (xd + 0.5) / scale - 0.5;  // half_pixel
}

AxisTaps axis_taps(const ResizeAttrs& a, std::int64_t in, std::int64_t out, double scale, double roi_start,
                   double roi_end) {
  AxisTaps t;
  t.out = out;
  t.n = a.mode == "cubic" ? 4 : 2;
  t.identity = out == in;
  // The reference pads the input by n/2 at both ends (edge values) and takes
  // the n padded positions nearest x, so windows shift inward at the borders.
  const std::int64_t pad = t.n / 2;
  const std::int64_t padded = in + 2 * pad;
  for (std::int64_t x = 0; x < out; ++x) {
    bool outside = false;
    const double xo = original_coordinate(a, x, in, scale, roi_start, roi_end, outside);
    const bool integral = xo == std::floor(xo);
    // The tap left of xo gets weight 1 - ratio; an integral xo is its right tap.
    const std::int64_t left = static_cast<std::int64_t>(std::floor(xo)) - (integral ? 1 : 0);
    const double ratio = integral ? 1.0 : xo - std::floor(xo);
    std::vector<double> c = coefficients(a, ratio, integral);
    std::int64_t start = left - (t.n / 2 - 1) + pad;
    start = std::min(std::max<std::int64_t>(start, 0), padded - t.n) - pad;
    if (a.exclude_outside) {
      double sum = 0;
      for (int k = 0; k < t.n; ++k) {
        const std::int64_t i = start + k;
        if (i < 0 || i >= in) c[k] = 0;
        sum += c[k];
      }
      for (double& v : c) v /= sum;
    }
    for (int k = 0; k < t.n; ++k) {
      t.index.push_back(std::min(std::max<std::int64_t>(start + k, 0), in - 1));
      t.weight.push_back(c[k]);
    }
    t.outside.push_back(outside);
    t.identity = t.identity && !outside && xo == static_cast<double>(x);
  }
  return t;
}

at::Tensor long_tensor(const std::vector<std::int64_t>& v) {
  return at::tensor(at::ArrayRef<std::int64_t>(v), at::kLong);
}

// Resamples axis `axis` of y with the taps.
at::Tensor resample_axis(const at::Tensor& y, std::int64_t axis, const AxisTaps& t, bool nearest) {
  if (nearest) {
    // One tap has weight 1: gather it.
    std::vector<std::int64_t> pick;
    for (std::int64_t o = 0; o < t.out; ++o) {
      int best = 0;
      for (int k = 1; k < t.n; ++k) {
        if (t.weight[o * t.n + k] > t.weight[o * t.n + best]) best = k;
      }
      pick.push_back(t.index[o * t.n + best]);
    }
    return y.index_select(axis, long_tensor(pick));
  }
  Ints shape = shape_of(y);
  const at::Tensor taps = y.index_select(axis, long_tensor(t.index));
  shape[axis] = t.out;
  shape.insert(shape.begin() + axis + 1, t.n);
  Ints wshape(shape.size(), 1);
  wshape[axis] = t.out;
  wshape[axis + 1] = t.n;
  const at::Tensor w = at::tensor(at::ArrayRef<double>(t.weight), at::kDouble).reshape(wshape);
  return (taps.reshape(shape) * w).sum(axis + 1);
}

at::Tensor resize(const ResizeAttrs& a, const at::Tensor& x, const std::vector<double>& scales, const Ints& sizes,
                  const std::vector<double>& roi, const std::string& where) {
  const bool nearest = a.mode == "nearest";
  if (!nearest && !at::isFloatingType(x.scalar_type())) {
    throw NotSupported(where + ": mode '" + a.mode + "' on " + c10::toString(x.scalar_type()) +
                       " data is not supported");
  }
  at::Tensor y = nearest ? x : x.to(at::kDouble);
  at::Tensor outside;  // tf_crop_and_resize: output positions to extrapolate
  const std::int64_t rank = x.dim();
  for (std::int64_t d = 0; d < rank; ++d) {
    const std::int64_t in = x.size(d);
    // Sizes fix the output and imply scale = out / in; scales imply floor(in * scale).
    const double scale = sizes.empty() ? scales[d] : static_cast<double>(sizes[d]) / static_cast<double>(in);
    const std::int64_t out = sizes.empty() ? static_cast<std::int64_t>(scale * static_cast<double>(in)) : sizes[d];
    if (out <= 0 || in <= 0 || !(scale > 0)) {
      throw BackendError(where + ": axis " + std::to_string(d) + " of size " + std::to_string(in) +
                         " cannot be resized to " + std::to_string(out));
    }
    const double r0 = roi.empty() ? 0.0 : roi[d], r1 = roi.empty() ? 1.0 : roi[rank + d];
    const AxisTaps taps = axis_taps(a, in, out, scale, r0, r1);
    if (taps.identity) continue;
    y = resample_axis(y, d, taps, nearest);
    if (a.transform == "tf_crop_and_resize") {
      Ints shape(static_cast<std::size_t>(rank), 1);
      shape[d] = out;
      std::vector<std::int64_t> flags(taps.outside.begin(), taps.outside.end());
      const at::Tensor m = long_tensor(flags).to(at::kBool).reshape(shape);
      outside = outside.defined() ? outside.logical_or(m) : m;
    }
  }
  if (outside.defined()) y = at::where(outside, at::scalar_tensor(a.extrapolation, y.options()), y);
  return nearest ? y : y.to(x.scalar_type());
}

std::vector<double> to_double_vector(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kDouble).contiguous().reshape({-1});
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

// Reads and checks the attributes every form shares.
ResizeAttrs read_attrs(const OpContext& ctx, bool legacy) {
  ResizeAttrs a;
  a.mode = ctx.attr_string("mode", "nearest");
  const bool cubic_ok = !legacy;
  if (a.mode != "nearest" && a.mode != "linear" && !(cubic_ok && a.mode == "cubic")) {
    ctx.unsupported("mode '" + a.mode + "'");
  }
  if (legacy) {
    // Opset < 11 has no coordinate attributes; ONNX's 10 -> 11 converter
    // maps it to asymmetric coordinates with nearest rounding down.
    a.transform = "asymmetric";
    a.nearest_mode = "floor";
    return a;
  }
  a.transform = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
  static const char* const transforms[] = {"half_pixel", "pytorch_half_pixel",   "align_corners",
                                           "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (std::find(std::begin(transforms), std::end(transforms), a.transform) == std::end(transforms)) {
    ctx.unsupported("coordinate_transformation_mode '" + a.transform + "'");
  }
  a.nearest_mode = ctx.attr_string("nearest_mode", "round_prefer_floor");
  if (a.nearest_mode != "round_prefer_floor" && a.nearest_mode != "round_prefer_ceil" && a.nearest_mode != "floor" &&
      a.nearest_mode != "ceil") {
    ctx.unsupported("nearest_mode '" + a.nearest_mode + "'");
  }
  a.cubic_a = ctx.attr_float("cubic_coeff_a", -0.75f);
  a.exclude_outside = ctx.attr_int("exclude_outside", 0) != 0;
  // The reference renormalises nearest's one-hot weights too, which yields
  // NaN where the picked tap is outside; we do not reproduce that.
  if (a.exclude_outside && a.mode == "nearest") ctx.unsupported("exclude_outside=1 with mode 'nearest'");
  a.extrapolation = ctx.attr_float("extrapolation_value", 0.0f);
  if (ctx.has("axes") || ctx.has("keep_aspect_ratio_policy")) {
    ctx.unsupported("Resize-18's axes/keep_aspect_ratio_policy");
  }
  if (a.transform == "tf_crop_and_resize") {
    if (!ctx.has_input(1)) throw BackendError(ctx.where() + ": tf_crop_and_resize needs the roi input");
    // With scales, the spec's text sizes the output from the roi while its
    // reference ignores the roi: ambiguous, so only sizes are taken.
    if (!ctx.has_input(3)) ctx.unsupported("tf_crop_and_resize with scales (only with sizes)");
  }
  return a;
}

std::vector<double> checked_scales(std::vector<double> s, std::int64_t rank, const std::string& where) {
  if (static_cast<std::int64_t>(s.size()) != rank) {
    throw BackendError(where + ": " + std::to_string(s.size()) + " scales for an input of rank " +
                       std::to_string(rank));
  }
  return s;
}

Kernel make_resize(const OpContext& ctx) {
  const bool legacy = ctx.opset() < 11;
  const ResizeAttrs a = read_attrs(ctx, legacy);
  const std::string where = ctx.where();
  if (legacy) {  // Resize-10: X, scales
    return [a, where](const Values& in) {
      return Values{resize(a, in[0], checked_scales(to_double_vector(in[1]), in[0].dim(), where), {}, {}, where)};
    };
  }
  return [a, where](const Values& in) {
    const at::Tensor& x = in[0];
    const std::int64_t rank = x.dim();
    // Sizes win when given (opset 11 passes an empty scales tensor then).
    const bool by_sizes = in.size() > 3 && in[3].defined() && in[3].numel() > 0;
    Ints sizes;
    std::vector<double> scales;
    if (by_sizes) {
      sizes = to_int_vector(in[3]);
      if (static_cast<std::int64_t>(sizes.size()) != rank) {
        throw BackendError(where + ": " + std::to_string(sizes.size()) + " sizes for an input of rank " +
                           std::to_string(rank));
      }
    } else {
      if (in.size() < 3 || !in[2].defined() || in[2].numel() == 0) {
        throw BackendError(where + ": neither scales nor sizes is given");
      }
      scales = checked_scales(to_double_vector(in[2]), rank, where);
    }
    std::vector<double> roi;
    if (a.transform == "tf_crop_and_resize") {
      roi = to_double_vector(in[1]);
      if (static_cast<std::int64_t>(roi.size()) != 2 * rank) {
        throw BackendError(where + ": roi has " + std::to_string(roi.size()) + " values for rank " +
                           std::to_string(rank));
      }
    }
    return Values{resize(a, x, scales, sizes, roi, where)};
  };
}

Kernel make_upsample(const OpContext& ctx) {
  const ResizeAttrs a = read_attrs(ctx, /*legacy=*/true);
  const std::string where = ctx.where();
  if (ctx.opset() < 9) {  // scales is an attribute
    const std::vector<float> attr = ctx.attr_floats("scales");
    if (attr.empty()) throw BackendError(where + ": attribute 'scales' is missing");
    const std::vector<double> scales(attr.begin(), attr.end());
    return [a, scales, where](const Values& in) {
      return Values{resize(a, in[0], checked_scales(scales, in[0].dim(), where), {}, {}, where)};
    };
  }
  return [a, where](const Values& in) {
    return Values{resize(a, in[0], checked_scales(to_double_vector(in[1]), in[0].dim(), where), {}, {}, where)};
  };
}

}  // namespace

void register_resize_ops(OpTable& t) {
  t["Resize"] = make_resize;
  t["Upsample"] = make_upsample;
}

}  // namespace kenning::onnx_exec
