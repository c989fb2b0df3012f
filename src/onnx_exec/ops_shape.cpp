// Shape and data-movement ops: Reshape, Transpose, Concat, Slice, Pad, ...
// Where ONNX moved an attribute to an input (Squeeze/Unsqueeze/Split at 13,
// Slice at 10, Pad at 11), the opset picks the form.
#include <cmath>

#include "kenning/core/error.h"
#include "onnx_exec/op_table.h"
#include "onnx_exec/tensor_proto.h"

namespace kenning::onnx_exec {
namespace {

using Ints = std::vector<std::int64_t>;

Ints normalize_axes(const Ints& axes, std::int64_t rank, const std::string& where) {
  Ints out;
  for (std::int64_t a : axes) out.push_back(normalize_axis(a, rank, where));
  return out;
}

// Index of x's elements along one axis for edge/reflect padding.
at::Tensor pad_indices(std::int64_t dim, std::int64_t begin, std::int64_t end, bool reflect) {
  at::Tensor i = at::arange(-begin, dim + end, at::kLong);
  if (!reflect || dim == 1) return i.clamp(0, dim - 1);
  const std::int64_t period = 2 * (dim - 1);
  i = at::remainder(i.abs(), period);
  return at::where(i >= dim, period - i, i);
}

at::Tensor slice_axis(const at::Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t end, std::int64_t step) {
  const std::int64_t dim = x.size(axis);
  auto clampi = [](std::int64_t v, std::int64_t lo, std::int64_t hi) { return std::min(std::max(v, lo), hi); };
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = clampi(start, 0, dim);
    end = clampi(end, 0, dim);
    return x.slice(axis, start, std::max(start, end), step);
  }
  start = clampi(start, 0, dim - 1);
  end = clampi(end, -1, dim - 1);
  if (end >= start) return x.narrow(axis, 0, 0);
  return x.index_select(axis, at::arange(start, end, step, at::kLong));
}

Kernel make_identity(const OpContext&) {
  return [](const Values& in) { return Values{in[0]}; };
}

Kernel make_flatten(const OpContext& ctx) {
  const std::int64_t axis_attr = ctx.attr_int("axis", 1);
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    // Flatten's axis lies in [-r, r]; a negative one counts from r.
    const std::int64_t axis = axis_attr < 0 ? axis_attr + x.dim() : axis_attr;
    if (axis < 0 || axis > x.dim()) {
      throw BackendError(where + ": axis " + std::to_string(axis_attr) + " is out of range for rank " +
                         std::to_string(x.dim()));
    }
    std::int64_t outer = 1;
    for (std::int64_t i = 0; i < axis; ++i) outer *= x.size(i);
    std::int64_t inner = 1;
    for (std::int64_t i = axis; i < x.dim(); ++i) inner *= x.size(i);
    return Values{x.reshape({outer, inner})};
  };
}

Kernel make_reshape(const OpContext& ctx) {
  const bool allowzero = ctx.attr_int("allowzero", 0) != 0;
  return [allowzero](const Values& in) {
    Ints shape = to_int_vector(in[1]);
    // 0 copies the input's dimension unless allowzero asks for a real 0.
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allowzero) shape[i] = in[0].size(static_cast<std::int64_t>(i));
    }
    return Values{in[0].reshape(shape)};
  };
}

Kernel make_transpose(const OpContext& ctx) {
  const Ints perm = ctx.attr_ints("perm");
  return [perm](const Values& in) {
    Ints p = perm;
    if (p.empty()) {
      for (std::int64_t i = in[0].dim(); i-- > 0;) p.push_back(i);
    }
    return Values{in[0].permute(p).contiguous()};
  };
}

Kernel make_concat(const OpContext& ctx) {
  if (!ctx.has("axis")) throw BackendError(ctx.where() + ": attribute 'axis' is missing");
  const std::int64_t axis_attr = ctx.attr_int("axis", 0);
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const std::int64_t axis = normalize_axis(axis_attr, in[0].dim(), where);
    return Values{at::cat(in, axis)};
  };
}

Kernel make_squeeze(const OpContext& ctx) {
  const bool from_input = ctx.opset() >= 13;
  const Ints attr = ctx.attr_ints("axes");
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    const bool given = from_input ? (in.size() > 1 && in[1].defined()) : !attr.empty();
    if (!given) return Values{x.squeeze()};
    Ints axes = normalize_axes(from_input ? to_int_vector(in[1]) : attr, x.dim(), where);
    Ints shape;
    for (std::int64_t i = 0; i < x.dim(); ++i) {
      if (std::find(axes.begin(), axes.end(), i) == axes.end())
        shape.push_back(x.size(i));
      else if (x.size(i) != 1) {
        throw BackendError(where + ": cannot squeeze axis " + std::to_string(i) + " of size " +
                           std::to_string(x.size(i)));
      }
    }
    return Values{x.reshape(shape)};
  };
}

Kernel make_unsqueeze(const OpContext& ctx) {
  const bool from_input = ctx.opset() >= 13;
  const Ints attr = ctx.attr_ints("axes");
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    const Ints raw = from_input ? to_int_vector(in[1]) : attr;
    const std::int64_t rank = x.dim() + static_cast<std::int64_t>(raw.size());
    Ints axes = normalize_axes(raw, rank, where);
    Ints shape;
    std::int64_t src = 0;
    for (std::int64_t i = 0; i < rank; ++i) {
      if (std::find(axes.begin(), axes.end(), i) != axes.end())
        shape.push_back(1);
      else
        shape.push_back(x.size(src++));
    }
    return Values{x.reshape(shape)};
  };
}

Kernel make_constant(const OpContext& ctx) {
  at::Tensor value;
  if (auto v = ctx.attr_tensor("value"))
    value = *v;
  else if (ctx.has("value_float"))
    value = at::scalar_tensor(ctx.attr_float("value_float", 0), at::kFloat);
  else if (ctx.has("value_int"))
    value = at::scalar_tensor(ctx.attr_int("value_int", 0), at::kLong);
  else if (ctx.has("value_floats")) {
    const auto f = ctx.attr_floats("value_floats");
    value = at::tensor(at::ArrayRef<float>(f), at::kFloat);
  } else if (ctx.has("value_ints")) {
    const auto i = ctx.attr_ints("value_ints");
    value = at::tensor(at::ArrayRef<std::int64_t>(i), at::kLong);
  } else {
    ctx.unsupported("a Constant without value/value_float(s)/value_int(s) (sparse or string)");
  }
  return [value](const Values&) { return Values{value}; };
}

Kernel make_shape(const OpContext& ctx) {
  const std::int64_t start_attr = ctx.attr_int("start", 0);
  const bool has_end = ctx.has("end");
  const std::int64_t end_attr = ctx.attr_int("end", 0);
  return [=](const Values& in) {
    const std::int64_t rank = in[0].dim();
    auto clampi = [rank](std::int64_t v) {
      if (v < 0) v += rank;
      return std::min(std::max<std::int64_t>(v, 0), rank);
    };
    const std::int64_t s = clampi(start_attr);
    const std::int64_t e = has_end ? clampi(end_attr) : rank;
    Ints dims = shape_of(in[0]);
    Ints part(dims.begin() + s, dims.begin() + std::max(s, e));
    return Values{at::tensor(at::ArrayRef<std::int64_t>(part), at::kLong)};
  };
}

Kernel make_gather(const OpContext& ctx) {
  const std::int64_t axis_attr = ctx.attr_int("axis", 0);
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    const std::int64_t axis = normalize_axis(axis_attr, x.dim(), where);
    at::Tensor idx = in[1].to(at::kLong);
    idx = at::where(idx < 0, idx + x.size(axis), idx);
    Ints shape(x.sizes().begin(), x.sizes().begin() + axis);
    for (std::int64_t d : idx.sizes()) shape.push_back(d);
    for (std::int64_t i = axis + 1; i < x.dim(); ++i) shape.push_back(x.size(i));
    return Values{x.index_select(axis, idx.reshape({-1})).reshape(shape)};
  };
}

Kernel make_cast(const OpContext& ctx) {
  const at::ScalarType to =
      scalar_type_from_onnx(static_cast<std::int32_t>(ctx.attr_int("to", 0)), ctx.where() + ": 'to'");
  return [to](const Values& in) { return Values{in[0].to(to)}; };
}

Kernel make_reduce_mean(const OpContext& ctx) {
  const Ints axes_attr = ctx.attr_ints("axes");
  const bool keep = ctx.attr_int("keepdims", 1) != 0;
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    Ints axes = normalize_axes(axes_attr, x.dim(), where);
    if (axes.empty()) {
      for (std::int64_t i = 0; i < x.dim(); ++i) axes.push_back(i);
    }
    return Values{x.mean(axes, keep)};
  };
}

Kernel make_slice(const OpContext& ctx) {
  const bool from_input = ctx.opset() >= 10;
  const Ints a_starts = ctx.attr_ints("starts"), a_ends = ctx.attr_ints("ends"), a_axes = ctx.attr_ints("axes");
  const std::string where = ctx.where();
  return [=](const Values& in) {
    at::Tensor x = in[0];
    const Ints starts = from_input ? to_int_vector(in[1]) : a_starts;
    const Ints ends = from_input ? to_int_vector(in[2]) : a_ends;
    Ints axes = from_input ? (in.size() > 3 && in[3].defined() ? to_int_vector(in[3]) : Ints{}) : a_axes;
    const Ints steps = from_input && in.size() > 4 && in[4].defined() ? to_int_vector(in[4]) : Ints(starts.size(), 1);
    if (axes.empty()) {
      for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
    }
    if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
      throw BackendError(where + ": starts/ends/axes/steps differ in length");
    }
    for (std::size_t i = 0; i < starts.size(); ++i) {
      if (steps[i] == 0) throw BackendError(where + ": step 0");
      x = slice_axis(x, normalize_axis(axes[i], x.dim(), where), starts[i], ends[i], steps[i]);
    }
    return Values{x};
  };
}

Kernel make_pad(const OpContext& ctx) {
  const std::string mode = ctx.attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") ctx.unsupported("mode '" + mode + "'");
  const bool from_input = ctx.opset() >= 11;
  const Ints a_pads = ctx.attr_ints("pads");
  const double a_value = ctx.attr_float("value", 0.0f);
  const std::string where = ctx.where();
  return [=](const Values& in) {
    at::Tensor x = in[0];
    const Ints pads = from_input ? to_int_vector(in[1]) : a_pads;
    const std::int64_t rank = x.dim();
    if (static_cast<std::int64_t>(pads.size()) != 2 * rank) {
      throw BackendError(where + ": " + std::to_string(pads.size()) + " pads for rank " + std::to_string(rank));
    }
    if (mode == "constant") {
      const double value =
          from_input && in.size() > 2 && in[2].defined() ? in[2].to(at::kDouble).item<double>() : a_value;
      Ints p;
      for (std::int64_t i = rank; i-- > 0;) {
        p.push_back(pads[i]);
        p.push_back(pads[i + rank]);
      }
      return Values{at::constant_pad_nd(x, p, value)};
    }
    for (std::int64_t i = 0; i < rank; ++i) {
      if (pads[i] == 0 && pads[i + rank] == 0) continue;
      x = x.index_select(i, pad_indices(x.size(i), pads[i], pads[i + rank], mode == "reflect"));
    }
    return Values{x};
  };
}

Kernel make_split(const OpContext& ctx) {
  const std::int64_t axis_attr = ctx.attr_int("axis", 0);
  const bool from_input = ctx.opset() >= 13;
  const Ints a_split = ctx.attr_ints("split");
  const std::int64_t outputs = ctx.node().output_size();
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    const std::int64_t axis = normalize_axis(axis_attr, x.dim(), where);
    Ints split = from_input ? (in.size() > 1 && in[1].defined() ? to_int_vector(in[1]) : Ints{}) : a_split;
    if (split.empty()) {
      if (x.size(axis) % outputs != 0) {
        throw BackendError(where + ": axis of size " + std::to_string(x.size(axis)) + " does not split into " +
                           std::to_string(outputs) + " equal parts");
      }
      split.assign(outputs, x.size(axis) / outputs);
    }
    Values out;
    std::int64_t at = 0;
    for (std::int64_t s : split) {
      out.push_back(x.narrow(axis, at, s));
      at += s;
    }
    return out;
  };
}

Kernel make_expand(const OpContext&) {
  return [](const Values& in) {
    // ONNX broadcasts both ways (a 1 in `shape` keeps x's size); ATen's expand one way.
    const Ints shape = at::infer_size(in[0].sizes(), to_int_vector(in[1]));
    return Values{in[0].expand(shape).contiguous()};
  };
}

Kernel make_tile(const OpContext&) {
  return [](const Values& in) { return Values{in[0].repeat(to_int_vector(in[1]))}; };
}

Kernel make_where(const OpContext&) {
  return [](const Values& in) { return Values{at::where(in[0].to(at::kBool), in[1], in[2])}; };
}

Kernel make_size(const OpContext&) {
  return [](const Values& in) { return Values{at::scalar_tensor(in[0].numel(), at::kLong)}; };
}

Kernel make_range(const OpContext&) {
  return [](const Values& in) {
    // ONNX fixes the count as ceil((limit - start) / delta); ATen's float
    // arange may round it differently, so build from the count.
    const double start = in[0].to(at::kDouble).item<double>();
    const double limit = in[1].to(at::kDouble).item<double>();
    const double delta = in[2].to(at::kDouble).item<double>();
    const auto n = static_cast<std::int64_t>(std::max(0.0, std::ceil((limit - start) / delta)));
    const at::ScalarType type = in[0].scalar_type();
    if (at::isIntegralType(type, false)) {
      return Values{(at::arange(n, at::kLong) * in[2].to(at::kLong) + in[0].to(at::kLong)).to(type)};
    }
    return Values{(at::arange(n, type) * in[2] + in[0]).to(type)};
  };
}

Kernel make_constant_of_shape(const OpContext& ctx) {
  at::Tensor value = at::zeros({}, at::kFloat);
  if (auto v = ctx.attr_tensor("value")) value = v->reshape({});
  return [value](const Values& in) { return Values{value.expand(to_int_vector(in[0])).contiguous()}; };
}

}  // namespace

void register_shape_ops(OpTable& t) {
  t["Identity"] = make_identity;

  t["Flatten"] = make_flatten;
  t["Reshape"] = make_reshape;
  t["Transpose"] = make_transpose;
  t["Concat"] = make_concat;
  t["Squeeze"] = make_squeeze;
  t["Unsqueeze"] = make_unsqueeze;
  t["Constant"] = make_constant;
  t["Shape"] = make_shape;
  t["Gather"] = make_gather;
  t["Cast"] = make_cast;
  t["ReduceMean"] = make_reduce_mean;
  t["Slice"] = make_slice;
  t["Pad"] = make_pad;
  t["Split"] = make_split;
  t["Expand"] = make_expand;
  t["Tile"] = make_tile;
  t["Where"] = make_where;
  t["Size"] = make_size;
  t["Range"] = make_range;
  t["ConstantOfShape"] = make_constant_of_shape;
}

}  // namespace kenning::onnx_exec
