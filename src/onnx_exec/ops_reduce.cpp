// Reductions and arg-reductions. ReduceSum takes its axes as an input from
// opset 13; the others keep the attribute through opset 17.
#include <algorithm>

#include "kenning/core/error.h"
#include "onnx_exec/op_table.h"

namespace kenning::onnx_exec {
namespace {

using Ints = std::vector<std::int64_t>;
using Reducer = at::Tensor (*)(const at::Tensor& x, const Ints& axes, bool keep);

// `axes_from_input`: ReduceSum at opset 13+.
Kernel make_reduce(const OpContext& ctx, Reducer fn, bool axes_from_input) {
  const Ints attr = ctx.attr_ints("axes");
  const bool keep = ctx.attr_int("keepdims", 1) != 0;
  const bool noop_empty = ctx.attr_int("noop_with_empty_axes", 0) != 0;
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    Ints axes = axes_from_input ? (in.size() > 1 && in[1].defined() ? to_int_vector(in[1]) : Ints{}) : attr;
    if (axes.empty()) {
      if (noop_empty) return Values{x};
      for (std::int64_t i = 0; i < x.dim(); ++i) axes.push_back(i);
    }
    for (std::int64_t& a : axes) a = normalize_axis(a, x.dim(), where);
    return Values{fn(x, axes, keep)};
  };
}

// Reductions that widen integers (sum, prod) are cast back to the input's type.
at::Tensor reduce_sum(const at::Tensor& x, const Ints& axes, bool keep) {
  return x.sum(axes, keep).to(x.scalar_type());
}
at::Tensor reduce_prod(const at::Tensor& x, const Ints& axes, bool keep) {
  at::Tensor y = x;
  // at::prod reduces one axis at a time; go from the last so indices stay valid.
  Ints sorted = axes;
  std::sort(sorted.rbegin(), sorted.rend());
  for (std::int64_t a : sorted) y = y.prod(a, keep);
  return y.to(x.scalar_type());
}
at::Tensor reduce_max(const at::Tensor& x, const Ints& axes, bool keep) { return at::amax(x, axes, keep); }
at::Tensor reduce_min(const at::Tensor& x, const Ints& axes, bool keep) { return at::amin(x, axes, keep); }

Kernel make_arg(const OpContext& ctx, bool is_max) {
  const std::int64_t axis_attr = ctx.attr_int("axis", 0);
  const bool keep = ctx.attr_int("keepdims", 1) != 0;
  const bool last = ctx.attr_int("select_last_index", 0) != 0;
  const std::string where = ctx.where();
  return [=](const Values& in) {
    const at::Tensor& x = in[0];
    const std::int64_t axis = normalize_axis(axis_attr, x.dim(), where);
    // ATen returns the first extreme; the last one is the first of the flipped tensor.
    const at::Tensor src = last ? x.flip(axis) : x;
    at::Tensor idx = is_max ? src.argmax(axis, keep) : src.argmin(axis, keep);
    if (last) idx = (x.size(axis) - 1) - idx;
    return Values{idx};
  };
}

Kernel make_reduce_sum(const OpContext& ctx) { return make_reduce(ctx, reduce_sum, ctx.opset() >= 13); }
Kernel make_reduce_prod(const OpContext& ctx) { return make_reduce(ctx, reduce_prod, false); }
Kernel make_reduce_max(const OpContext& ctx) { return make_reduce(ctx, reduce_max, false); }
Kernel make_reduce_min(const OpContext& ctx) { return make_reduce(ctx, reduce_min, false); }
Kernel make_arg_max(const OpContext& ctx) { return make_arg(ctx, true); }
Kernel make_arg_min(const OpContext& ctx) { return make_arg(ctx, false); }

}  // namespace

void register_reduce_ops(OpTable& t) {
  t["ReduceSum"] = make_reduce_sum;
  t["ReduceProd"] = make_reduce_prod;
  t["ReduceMax"] = make_reduce_max;
  t["ReduceMin"] = make_reduce_min;
  t["ArgMax"] = make_arg_max;
  t["ArgMin"] = make_arg_min;
}

}  // namespace kenning::onnx_exec
