#include "onnx_exec/op_table.h"

#include <algorithm>

#include "kenning/core/error.h"
#include "onnx_exec/tensor_proto.h"

namespace kenning::onnx_exec {

const onnx::AttributeProto* OpContext::find(const std::string& name) const {
  for (const auto& a : node_.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

std::int64_t OpContext::attr_int(const std::string& name, std::int64_t fallback) const {
  const auto* a = find(name);
  return a ? a->i() : fallback;
}

float OpContext::attr_float(const std::string& name, float fallback) const {
  const auto* a = find(name);
  return a ? a->f() : fallback;
}

std::string OpContext::attr_string(const std::string& name, const std::string& fallback) const {
  const auto* a = find(name);
  return a ? a->s() : fallback;
}

std::vector<std::int64_t> OpContext::attr_ints(const std::string& name, std::vector<std::int64_t> fallback) const {
  const auto* a = find(name);
  if (!a) return fallback;
  return {a->ints().begin(), a->ints().end()};
}

std::vector<float> OpContext::attr_floats(const std::string& name) const {
  const auto* a = find(name);
  if (!a) return {};
  return {a->floats().begin(), a->floats().end()};
}

std::optional<at::Tensor> OpContext::attr_tensor(const std::string& name) const {
  const auto* a = find(name);
  if (!a) return std::nullopt;
  if (!a->has_t()) unsupported("attribute '" + name + "' is not a tensor");
  // Tensor attributes never point at external files in practice; refuse that.
  if (a->t().data_location() == onnx::TensorProto::EXTERNAL) {
    unsupported("attribute '" + name + "' with external data");
  }
  return tensor_from_proto(a->t(), {}, where_);
}

const at::Tensor* OpContext::constant_input(int i) const {
  if (!initializers_ || !has_input(i)) return nullptr;
  const auto it = initializers_->find(node_.input(i));
  return it == initializers_->end() ? nullptr : &it->second;
}

int OpContext::num_inputs() const {
  int n = node_.input_size();
  while (n > 0 && node_.input(n - 1).empty()) --n;
  return n;
}

int OpContext::num_outputs() const {
  int n = node_.output_size();
  while (n > 0 && node_.output(n - 1).empty()) --n;
  return n;
}

void OpContext::unsupported(const std::string& what) const {
  throw NotSupported(where_ + ": " + what + " is not supported");
}

const OpTable& op_table() {
  static const OpTable table = [] {
    OpTable t;
    register_elementwise_ops(t);
    register_nn_ops(t);
    register_shape_ops(t);
    register_reduce_ops(t);
    register_conv_transpose_ops(t);
    register_resize_ops(t);
    register_quant_ops(t);
    return t;
  }();
  return table;
}

bool is_supported_op(const std::string& op_type) { return op_table().count(op_type) > 0; }

std::string read_auto_pad(const OpContext& ctx) {
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
    ctx.unsupported("auto_pad '" + auto_pad + "'");
  }
  return auto_pad;
}

void resolve_pads(const at::Tensor& x, const std::vector<std::int64_t>& kernel,
                  const std::vector<std::int64_t>& strides, const std::vector<std::int64_t>& dilations,
                  const std::vector<std::int64_t>& pads, const std::string& auto_pad, std::vector<std::int64_t>& begin,
                  std::vector<std::int64_t>& end) {
  const std::size_t n = kernel.size();
  begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(n));
  end.assign(pads.begin() + static_cast<std::ptrdiff_t>(n), pads.end());
  if (auto_pad == "VALID") {
    std::fill(begin.begin(), begin.end(), 0);
    std::fill(end.begin(), end.end(), 0);
  } else if (auto_pad != "NOTSET") {
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t in = x.size(static_cast<std::int64_t>(i + 2));
      const std::int64_t out = (in + strides[i] - 1) / strides[i];
      const std::int64_t total =
          std::max<std::int64_t>(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
      const std::int64_t small = total / 2;
      begin[i] = auto_pad == "SAME_UPPER" ? small : total - small;
      end[i] = total - begin[i];
    }
  }
}

std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& where) {
  if (axis < -rank || axis >= rank) {
    throw BackendError(where + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

std::vector<std::int64_t> to_int_vector(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kLong).contiguous().reshape({-1});
  const auto* p = c.data_ptr<std::int64_t>();
  return {p, p + c.numel()};
}

std::vector<std::int64_t> shape_of(const at::Tensor& t) { return {t.sizes().begin(), t.sizes().end()}; }

}  // namespace kenning::onnx_exec
