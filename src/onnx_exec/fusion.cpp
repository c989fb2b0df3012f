#include "onnx_exec/fusion.h"

#include <limits>
#include <map>
#include <set>

#include "onnx_exec/tensor_proto.h"

namespace kenning::onnx_exec {
namespace {

// Readers of each value, counting graph outputs as readers that block fusion.
std::map<std::string, int> reader_counts(const Graph& g) {
  std::map<std::string, int> readers;
  for (const auto& node : g.nodes) {
    for (const auto& in : node.input()) {
      if (!in.empty()) ++readers[in];
    }
  }
  for (const auto& out : g.outputs) readers[out.name] += 2;
  return readers;
}

const at::Tensor* constant(const Graph& g, const std::string& name) {
  if (name.empty()) return nullptr;
  const auto it = g.initializers.find(name);
  return it == g.initializers.end() ? nullptr : &it->second;
}

bool is_float(const at::Tensor* t) { return t != nullptr && t->scalar_type() == at::kFloat; }

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

// The only node reading `value`, when there is exactly one and `value` is
// not a graph output.
int sole_reader(const Graph& g, const std::map<std::string, int>& readers, const std::string& value,
                std::size_t after) {
  const auto it = readers.find(value);
  if (it == readers.end() || it->second != 1) return -1;
  for (std::size_t j = after + 1; j < g.nodes.size(); ++j) {
    for (const auto& in : g.nodes[j].input()) {
      if (in == value) return static_cast<int>(j);
    }
  }
  return -1;
}

std::string fresh_name(const Graph& g, const std::string& base) {
  std::string name = base;
  for (int i = 1; g.initializers.count(name) != 0; ++i) name = base + "_" + std::to_string(i);
  return name;
}

// Conv(W, B) -> BatchNormalization(scale, bias, mean, var): W' = W * s,
// B' = (B - mean) * s + bias with s = scale / sqrt(var + eps).
bool fold_batch_norm(Graph& g, std::size_t conv_index, std::size_t bn_index) {
  onnx::NodeProto& conv = g.nodes[conv_index];
  const onnx::NodeProto& bn = g.nodes[bn_index];
  if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 || bn.input(0) != conv.output(0)) return false;
  for (int o = 1; o < bn.output_size(); ++o) {
    if (!bn.output(o).empty()) return false;  // training-mode outputs
  }
  if (const auto* mode = attribute(bn, "training_mode"); mode && mode->i() != 0) return false;
  const at::Tensor* w = constant(g, conv.input(1));
  const at::Tensor* b = conv.input_size() > 2 ? constant(g, conv.input(2)) : nullptr;
  const bool has_bias_input = conv.input_size() > 2 && !conv.input(2).empty();
  const at::Tensor* scale = constant(g, bn.input(1));
  const at::Tensor* shift = constant(g, bn.input(2));
  const at::Tensor* mean = constant(g, bn.input(3));
  const at::Tensor* var = constant(g, bn.input(4));
  if (!is_float(w) || (has_bias_input && !is_float(b)) || !is_float(scale) || !is_float(shift) || !is_float(mean) ||
      !is_float(var) || w->dim() < 3) {
    return false;
  }
  const std::int64_t channels = w->size(0);
  for (const at::Tensor* t : {scale, shift, mean, var}) {
    if (t->dim() != 1 || t->size(0) != channels) return false;
  }
  if (b != nullptr && (b->dim() != 1 || b->size(0) != channels)) return false;
  const auto* eps_attr = attribute(bn, "epsilon");
  const double eps = eps_attr ? eps_attr->f() : 1e-5;

  // In double so folding adds no rounding of its own beyond the final cast.
  const at::Tensor s = scale->to(at::kDouble) / (var->to(at::kDouble) + eps).sqrt();
  std::vector<std::int64_t> view(static_cast<std::size_t>(w->dim()), 1);
  view[0] = channels;
  const at::Tensor folded_w = (w->to(at::kDouble) * s.view(view)).to(at::kFloat).contiguous();
  const at::Tensor old_b = b ? b->to(at::kDouble) : at::zeros({channels}, at::kDouble);
  const at::Tensor folded_b = ((old_b - mean->to(at::kDouble)) * s + shift->to(at::kDouble)).to(at::kFloat);

  const std::string w_name = fresh_name(g, conv.input(1) + ".bn_folded");
  g.initializers[w_name] = folded_w;
  const std::string b_name = fresh_name(g, conv.output(0) + ".bn_folded_bias");
  g.initializers[b_name] = folded_b;
  conv.set_input(1, w_name);
  if (conv.input_size() > 2)
    conv.set_input(2, b_name);
  else
    conv.add_input(b_name);
  conv.set_output(0, bn.output(0));
  return true;
}

// Conv -> Relu | Clip(constant bounds): marks the Conv and drops the activation.
bool fuse_activation(Graph& g, std::size_t conv_index, std::size_t act_index) {
  onnx::NodeProto& conv = g.nodes[conv_index];
  const onnx::NodeProto& act = g.nodes[act_index];
  if (act.input_size() < 1 || act.input(0) != conv.output(0) || act.output_size() != 1) return false;
  float lo = 0, hi = 0;
  if (!activation_bounds(g, act, lo, hi)) return false;
  mark_fused_activation(conv, act.op_type(), lo, hi);
  conv.set_output(0, act.output(0));
  return true;
}

// Cast(initializer) -> a new initializer holding the cast value. Graph
// outputs are left alone; a `to` we do not run is left for the Cast kernel
// to refuse with its own message.
int fold_constant_casts(Graph& g, std::set<std::size_t>& removed) {
  std::set<std::string> outputs;
  for (const auto& out : g.outputs) outputs.insert(out.name);
  int folded = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const onnx::NodeProto& node = g.nodes[i];
    if (node.op_type() != "Cast" || node.input_size() != 1 || node.output_size() != 1) continue;
    const at::Tensor* value = constant(g, node.input(0));
    const auto* to = attribute(node, "to");
    if (value == nullptr || to == nullptr || outputs.count(node.output(0))) continue;
    at::ScalarType type;
    try {
      type = scalar_type_from_onnx(static_cast<std::int32_t>(to->i()), "Cast");
    } catch (const std::exception&) {
      continue;
    }
    g.initializers[node.output(0)] = value->to(type).contiguous();
    removed.insert(i);
    ++folded;
  }
  return folded;
}

}  // namespace

bool activation_bounds(const Graph& g, const onnx::NodeProto& act, float& lo, float& hi) {
  lo = -std::numeric_limits<float>::infinity();
  hi = std::numeric_limits<float>::infinity();
  if (act.op_type() == "Relu") {
    lo = 0;
    return true;
  }
  if (act.op_type() != "Clip") return false;
  if (g.opset < 11) {
    if (const auto* a = attribute(act, "min")) lo = a->f();
    if (const auto* a = attribute(act, "max")) hi = a->f();
    return true;
  }
  for (int i = 1; i < act.input_size() && i < 3; ++i) {
    if (act.input(i).empty()) continue;
    const at::Tensor* bound = constant(g, act.input(i));
    if (!is_float(bound) || bound->numel() != 1) return false;
    (i == 1 ? lo : hi) = bound->item<float>();
  }
  return true;
}

void mark_fused_activation(onnx::NodeProto& node, const std::string& op_type, float lo, float hi) {
  auto* kind = node.add_attribute();
  kind->set_name(kFusedActivation);
  kind->set_type(onnx::AttributeProto::STRING);
  kind->set_s(op_type);
  for (const auto& [name, value] : {std::pair{kFusedClipMin, lo}, std::pair{kFusedClipMax, hi}}) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
  }
}

FusionStats fuse_for_inference(Graph& g) {
  FusionStats stats;
  std::set<std::size_t> removed;
  stats.folded_constant_casts = fold_constant_casts(g, removed);
  // Two passes: BN first, so Conv-BN-Relu becomes one Conv.
  for (int pass = 0; pass < 2; ++pass) {
    const auto readers = reader_counts(g);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const onnx::NodeProto& conv = g.nodes[i];
      if (removed.count(i) || conv.op_type() != "Conv" || conv.output_size() != 1 || conv.input_size() < 2) continue;
      if (attribute(conv, kFusedActivation)) continue;
      const int next = sole_reader(g, readers, conv.output(0), i);
      if (next < 0 || removed.count(static_cast<std::size_t>(next))) continue;
      const bool done = pass == 0 ? fold_batch_norm(g, i, static_cast<std::size_t>(next))
                                  : fuse_activation(g, i, static_cast<std::size_t>(next));
      if (!done) continue;
      removed.insert(static_cast<std::size_t>(next));
      ++(pass == 0 ? stats.folded_batch_norms : stats.fused_activations);
    }
  }
  if (removed.empty()) return stats;
  std::vector<onnx::NodeProto> kept;
  kept.reserve(g.nodes.size() - removed.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!removed.count(i)) kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
  // Initializers only the removed nodes or the replaced weights read.
  std::set<std::string> read;
  for (const auto& node : g.nodes) read.insert(node.input().begin(), node.input().end());
  for (const auto& out : g.outputs) read.insert(out.name);
  for (auto it = g.initializers.begin(); it != g.initializers.end();) {
    it = read.count(it->first) ? std::next(it) : g.initializers.erase(it);
  }
  return stats;
}

}  // namespace kenning::onnx_exec
