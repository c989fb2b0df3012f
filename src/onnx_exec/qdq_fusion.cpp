#include "onnx_exec/qdq_fusion.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "onnx_exec/fusion.h"
#include "onnx_exec/op_table.h"
#include "onnx_exec/tensor_proto.h"

namespace kenning::onnx_exec {
namespace {

using Node = onnx::NodeProto;

const onnx::AttributeProto* attribute(const Node& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

std::int64_t int_attr(const Node& node, const std::string& name, std::int64_t fallback) {
  const auto* a = attribute(node, name);
  return a ? a->i() : fallback;
}

float float_attr(const Node& node, const std::string& name, float fallback) {
  const auto* a = attribute(node, name);
  return a ? a->f() : fallback;
}

bool is_int8(at::ScalarType t) { return t == at::kByte || t == at::kChar; }

// The operands of a DequantizeLinear, or of a QuantizeLinear (then `input` is
// what it quantizes and `output` the quantized value).
struct QParams {
  int node = -1;
  std::string input, scale, zero_point, output;
  const at::Tensor* value = nullptr;  // the input when it is a constant
  at::Tensor s, zp;
  std::int64_t axis = 1;
};

class Rewriter {
 public:
  explicit Rewriter(Graph& g) : g_(g) {}

  QdqFusionStats run();

 private:
  void index();
  const at::Tensor* constant(const std::string& name) const {
    const auto it = g_.initializers.find(name);
    return name.empty() || it == g_.initializers.end() ? nullptr : &it->second;
  }
  // The only node reading `value` when `value` is no graph output; else -1.
  int sole_reader(const std::string& value) const;
  std::optional<QParams> params_of(int node) const;
  std::optional<QParams> dq_producing(const std::string& value) const;
  std::optional<QParams> activation_dq(const std::string& value) const;
  std::optional<QParams> weight_dq(const std::string& value, std::int64_t axis) const;
  std::optional<QParams> bias_dq(const std::string& value, const QParams& x, const QParams& w,
                                 std::int64_t channels) const;

  // An optional Relu/Clip, then a per-tensor QuantizeLinear, reading `value`.
  struct Tail {
    int activation = -1;
    float lo = 0, hi = 0;
    QParams q;
  };
  std::optional<Tail> tail(const std::string& value) const;

  bool fuse_conv(int i);
  bool fuse_gemm(int i);
  bool fuse_add(int i);
  bool fuse_passthrough(int i);
  bool remove_requantization(int i);
  std::string fresh_name(const std::string& base) const;
  void finish();

  Graph& g_;
  std::map<std::string, int> producer_;
  std::map<std::string, int> readers_;  // a graph output counts as two
  std::set<int> removed_;
  QdqFusionStats stats_;
};

void Rewriter::index() {
  producer_.clear();
  readers_.clear();
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    for (const auto& in : g_.nodes[i].input()) {
      if (!in.empty()) ++readers_[in];
    }
    for (const auto& out : g_.nodes[i].output()) {
      if (!out.empty()) producer_[out] = static_cast<int>(i);
    }
  }
  for (const auto& out : g_.outputs) readers_[out.name] += 2;
}

int Rewriter::sole_reader(const std::string& value) const {
  const auto it = readers_.find(value);
  if (it == readers_.end() || it->second != 1) return -1;
  for (std::size_t j = 0; j < g_.nodes.size(); ++j) {
    for (const auto& in : g_.nodes[j].input()) {
      if (in == value) return static_cast<int>(j);
    }
  }
  return -1;
}

// Scale and zero point must be constants. The zero point gives the quantized
// type, so it must be present, except on a DequantizeLinear of a constant
// (a bias, as some quantizers write it), where it is 0 of the constant's type
// and `zero_point` stays "".
std::optional<QParams> Rewriter::params_of(int node) const {
  const Node& n = g_.nodes[node];
  if (n.input_size() < 2 || n.output_size() != 1 || n.output(0).empty()) return std::nullopt;
  const at::Tensor* s = constant(n.input(1));
  const at::Tensor* value = constant(n.input(0));
  const bool has_zp = n.input_size() > 2 && !n.input(2).empty();
  const at::Tensor* zp = has_zp ? constant(n.input(2)) : nullptr;
  if (!s || s->scalar_type() != at::kFloat || s->numel() == 0) return std::nullopt;
  if (has_zp ? !zp || (zp->numel() != s->numel() && zp->numel() != 1) : !value || n.op_type() != "DequantizeLinear") {
    return std::nullopt;
  }
  QParams p;
  p.node = node;
  p.input = n.input(0);
  p.scale = n.input(1);
  p.zero_point = has_zp ? n.input(2) : "";
  p.output = n.output(0);
  p.value = value;
  p.s = *s;
  p.zp = has_zp ? *zp : at::zeros({}, value->options());
  p.axis = int_attr(n, "axis", 1);
  return p;
}

std::optional<QParams> Rewriter::dq_producing(const std::string& value) const {
  const auto it = producer_.find(value);
  if (it == producer_.end() || g_.nodes[it->second].op_type() != "DequantizeLinear") return std::nullopt;
  return params_of(it->second);
}

// A computed uint8/int8 tensor, quantized per tensor.
std::optional<QParams> Rewriter::activation_dq(const std::string& value) const {
  auto p = dq_producing(value);
  if (!p || p->value || p->s.numel() != 1 || !is_int8(p->zp.scalar_type())) return std::nullopt;
  return p;
}

// A constant int8 weight, per tensor or per channel along `axis`.
std::optional<QParams> Rewriter::weight_dq(const std::string& value, std::int64_t axis) const {
  auto p = dq_producing(value);
  // The fused node names the zero point: it must be there.
  if (!p || !p->value || p->value->scalar_type() != at::kChar || p->zp.scalar_type() != at::kChar ||
      p->zero_point.empty()) {
    return std::nullopt;
  }
  if (p->s.numel() != 1) {
    const std::int64_t rank = p->value->dim();
    const std::int64_t dq_axis = p->axis < 0 ? p->axis + rank : p->axis;
    if (dq_axis != axis || p->s.dim() != 1 || p->s.size(0) != p->value->size(axis)) return std::nullopt;
  }
  return p;
}

// A constant int32 bias [channels] in units of s_x * s_w, zero point 0.
std::optional<QParams> Rewriter::bias_dq(const std::string& value, const QParams& x, const QParams& w,
                                         std::int64_t channels) const {
  auto p = dq_producing(value);
  if (!p || !p->value || p->value->scalar_type() != at::kInt || p->value->numel() != channels ||
      (p->s.numel() != 1 && p->s.numel() != channels) || p->zp.ne(0).any().item<bool>()) {
    return std::nullopt;
  }
  // Off by a float rounding at most: the quantizer multiplied the same scales.
  const at::Tensor expected = (x.s.reshape({}) * w.s.reshape({-1})).expand({channels});
  const at::Tensor actual = p->s.reshape({-1}).expand({channels});
  if (!at::allclose(actual, expected, 1e-5, 0.0)) return std::nullopt;
  return p;
}

std::optional<Rewriter::Tail> Rewriter::tail(const std::string& value) const {
  Tail t;
  std::string quantized = value;  // what the QuantizeLinear must read
  int r = sole_reader(value);
  if (r < 0) return std::nullopt;
  const Node& act = g_.nodes[r];
  if (act.op_type() == "Relu" || act.op_type() == "Clip") {
    if (act.input(0) != value || act.output_size() != 1 || !activation_bounds(g_, act, t.lo, t.hi)) {
      return std::nullopt;
    }
    // Odd bounds (NaN, lo > hi) keep their float semantics.
    if (std::isnan(t.lo) || std::isnan(t.hi) || t.lo > t.hi) return std::nullopt;
    t.activation = r;
    quantized = act.output(0);
    r = sole_reader(quantized);
    if (r < 0) return std::nullopt;
  }
  if (g_.nodes[r].op_type() != "QuantizeLinear" || g_.nodes[r].input(0) != quantized) return std::nullopt;
  auto q = params_of(r);
  if (!q || q->s.numel() != 1 || !is_int8(q->zp.scalar_type())) return std::nullopt;
  t.q = *q;
  return t;
}

std::string Rewriter::fresh_name(const std::string& base) const {
  std::string name = base;
  for (int i = 1; g_.initializers.count(name) || producer_.count(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

// The fused node replaces the float op in place: it reads values produced
// before it and writes the QuantizeLinear's output, read only after it.
Node fused_node(const std::string& op_type, const Node& from, const std::vector<std::string>& inputs,
                const std::string& output) {
  Node n;
  n.set_op_type(op_type);
  n.set_name(from.name());
  for (const auto& in : inputs) n.add_input(in);
  n.add_output(output);
  return n;
}

bool Rewriter::fuse_conv(int i) {
  const Node& conv = g_.nodes[i];
  if (conv.op_type() != "Conv" || conv.input_size() < 2 || conv.output_size() != 1) return false;
  const auto x = activation_dq(conv.input(0));
  const auto w = weight_dq(conv.input(1), 0);
  if (!x || !w || w->value->dim() < 3) return false;
  std::optional<QParams> b;
  if (conv.input_size() > 2 && !conv.input(2).empty()) {
    b = bias_dq(conv.input(2), *x, *w, w->value->size(0));
    if (!b) return false;
  }
  const auto t = tail(conv.output(0));
  // A Conv already carrying a Relu (fusion.h) takes no second activation.
  if (!t || (t->activation >= 0 && attribute(conv, kFusedActivation))) return false;
  if (attribute(conv, kFusedActivation)) {
    const float lo = float_attr(conv, kFusedClipMin, 0.0f), hi = float_attr(conv, kFusedClipMax, 0.0f);
    if (std::isnan(lo) || std::isnan(hi) || lo > hi) return false;
  }

  std::vector<std::string> inputs = {x->input, x->scale,      x->zero_point, w->input,
                                     w->scale, w->zero_point, t->q.scale,    t->q.zero_point};
  if (b) inputs.push_back(b->input);
  Node n = fused_node("QLinearConv", conv, inputs, t->q.output);
  *n.mutable_attribute() = conv.attribute();  // window attributes, and a fused Relu if any
  if (t->activation >= 0) {
    mark_fused_activation(n, g_.nodes[t->activation].op_type(), t->lo, t->hi);
    removed_.insert(t->activation);
  }
  if (t->activation >= 0 || attribute(conv, kFusedActivation)) ++stats_.fused_activations;
  removed_.insert(t->q.node);
  g_.nodes[i] = std::move(n);
  ++stats_.fused_convs;
  return true;
}

bool Rewriter::fuse_gemm(int i) {
  const Node& op = g_.nodes[i];
  const bool gemm = op.op_type() == "Gemm";
  if ((!gemm && op.op_type() != "MatMul") || op.input_size() < 2 || op.output_size() != 1) return false;
  bool trans_b = false;
  if (gemm) {
    if (int_attr(op, "transA", 0) != 0 || float_attr(op, "alpha", 1.0f) != 1.0f ||
        float_attr(op, "beta", 1.0f) != 1.0f) {
      return false;
    }
    trans_b = int_attr(op, "transB", 0) != 0;
  }
  const auto a = activation_dq(op.input(0));
  // Per channel means per output column: axis 0 of [N, K], axis 1 of [K, N].
  const auto w = weight_dq(op.input(1), trans_b ? 0 : 1);
  if (!a || !w || w->value->dim() != 2) return false;
  const std::int64_t columns = w->value->size(trans_b ? 0 : 1);
  std::optional<QParams> b;
  std::string y = op.output(0);
  int add = -1;
  if (gemm && op.input_size() > 2 && !op.input(2).empty()) {
    b = bias_dq(op.input(2), *a, *w, columns);
    if (!b) return false;
  } else if (!gemm) {
    // MatMul -> Add(DQ(int32 bias)) carries the bias.
    const int r = sole_reader(y);
    if (r >= 0 && g_.nodes[r].op_type() == "Add" && g_.nodes[r].input_size() == 2) {
      const Node& add_node = g_.nodes[r];
      const std::string other = add_node.input(0) == y ? add_node.input(1) : add_node.input(0);
      b = bias_dq(other, *a, *w, columns);
      if (b) {
        add = r;
        y = add_node.output(0);
      }
    }
  }
  const auto t = tail(y);
  if (!t) return false;

  std::string weight = w->input;
  if (!trans_b) {
    weight = fresh_name(w->input + ".transposed");
    g_.initializers[weight] = w->value->t().contiguous();
  }
  std::vector<std::string> inputs = {a->input, a->scale,      a->zero_point, weight,
                                     w->scale, w->zero_point, t->q.scale,    t->q.zero_point};
  if (b) inputs.push_back(b->input);
  Node n = fused_node(kQLinearGemm, op, inputs, t->q.output);
  if (t->activation >= 0) {
    mark_fused_activation(n, g_.nodes[t->activation].op_type(), t->lo, t->hi);
    removed_.insert(t->activation);
    ++stats_.fused_activations;
  }
  if (add >= 0) removed_.insert(add);
  removed_.insert(t->q.node);
  g_.nodes[i] = std::move(n);
  ++stats_.fused_gemms;
  return true;
}

// Both operands quantized per tensor (any shapes: the kernel broadcasts).
bool Rewriter::fuse_add(int i) {
  const Node& add = g_.nodes[i];
  if (add.op_type() != "Add" || add.input_size() != 2 || add.output_size() != 1) return false;
  const auto a = activation_dq(add.input(0));
  const auto b = activation_dq(add.input(1));
  if (!a || !b) return false;
  const auto t = tail(add.output(0));
  if (!t) return false;
  Node n = fused_node(
      kQLinearAdd, add,
      {a->input, a->scale, a->zero_point, b->input, b->scale, b->zero_point, t->q.scale, t->q.zero_point}, t->q.output);
  if (t->activation >= 0) {
    mark_fused_activation(n, g_.nodes[t->activation].op_type(), t->lo, t->hi);
    removed_.insert(t->activation);
    ++stats_.fused_activations;
  }
  removed_.insert(t->q.node);
  g_.nodes[i] = std::move(n);
  ++stats_.fused_adds;
  return true;
}

bool identical(const QParams& a, const QParams& b) {
  return a.s.numel() == 1 && b.s.numel() == 1 && a.zp.scalar_type() == b.zp.scalar_type() &&
         a.s.item<float>() == b.s.item<float>() && a.zp.item<std::int64_t>() == b.zp.item<std::int64_t>();
}

// Max pooling and reshaping commute with an identical DQ/Q pair: they only
// pick or move quantized values.
bool Rewriter::fuse_passthrough(int i) {
  Node& op = g_.nodes[i];
  const std::string& type = op.op_type();
  if (type != "MaxPool" && type != "Reshape" && type != "Flatten") return false;
  if (op.input_size() < 1 || op.output_size() < 1 || op.output(0).empty()) return false;
  for (int o = 1; o < op.output_size(); ++o) {
    if (!op.output(o).empty()) return false;  // MaxPool's Indices
  }
  const auto x = activation_dq(op.input(0));
  if (!x) return false;
  const int r = sole_reader(op.output(0));
  if (r < 0 || g_.nodes[r].op_type() != "QuantizeLinear" || g_.nodes[r].input(0) != op.output(0)) return false;
  const auto q = params_of(r);
  if (!q || !identical(*x, *q)) return false;
  op.set_input(0, x->input);
  op.set_output(0, q->output);
  removed_.insert(r);
  ++stats_.quantized_passthroughs;
  return true;
}

// DQ -> Q with identical parameters gives back the quantized input.
bool Rewriter::remove_requantization(int i) {
  const Node& qn = g_.nodes[i];
  if (qn.op_type() != "QuantizeLinear") return false;
  const auto q = params_of(i);
  if (!q) return false;
  const auto x = activation_dq(q->input);
  if (!x || !identical(*x, *q)) return false;
  for (const auto& out : g_.outputs) {
    if (out.name == q->output) return false;
  }
  for (auto& node : g_.nodes) {
    for (int k = 0; k < node.input_size(); ++k) {
      if (node.input(k) == q->output) node.set_input(k, x->input);
    }
  }
  removed_.insert(i);
  ++stats_.removed_requantizations;
  return true;
}

// Drops DequantizeLinear nodes nobody reads any more and computes those of
// constants now (with the op's own kernel, so the values are the same), then
// drops unread initializers.
void Rewriter::finish() {
  index();
  std::set<std::string> outputs;
  for (const auto& out : g_.outputs) outputs.insert(out.name);
  std::vector<Node> kept;
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    Node& node = g_.nodes[i];
    if (node.op_type() == "DequantizeLinear" && node.output_size() == 1) {
      if (!readers_.count(node.output(0))) continue;
      bool constant_inputs = !outputs.count(node.output(0));
      Values args;
      for (const auto& in : node.input()) {
        const at::Tensor* c = constant(in);
        constant_inputs = constant_inputs && (in.empty() || c);
        args.push_back(c ? *c : at::Tensor());
      }
      if (constant_inputs) {
        const OpContext ctx(node, g_.opset, quoted(g_.file) + ": " + describe_node(node, i), &g_.initializers);
        g_.initializers[node.output(0)] = op_table().at(node.op_type())(ctx)(args).at(0).contiguous();
        ++stats_.folded_constant_dequantizations;
        continue;
      }
    }
    kept.push_back(std::move(node));
  }
  g_.nodes = std::move(kept);
  std::set<std::string> read;
  for (const auto& node : g_.nodes) read.insert(node.input().begin(), node.input().end());
  for (const auto& out : g_.outputs) read.insert(out.name);
  for (auto it = g_.initializers.begin(); it != g_.initializers.end();) {
    it = read.count(it->first) ? std::next(it) : g_.initializers.erase(it);
  }
}

QdqFusionStats Rewriter::run() {
  // One rewrite at a time, re-indexing after each, so the patterns always see
  // the current wiring. A rewrite at node i changes only i and nodes after
  // it, so the next scan resumes at i; it ends with a full scan that finds
  // nothing.
  std::size_t start = 0;
  for (;;) {
    index();
    bool changed = false;
    std::size_t i = start;
    for (; i < g_.nodes.size() && !changed; ++i) {
      const int n = static_cast<int>(i);
      changed = fuse_conv(n) || fuse_gemm(n) || fuse_add(n) || fuse_passthrough(n) || remove_requantization(n);
    }
    if (!changed) {
      if (start == 0) break;
      start = 0;
      continue;
    }
    start = i - 1;
    std::vector<Node> kept;
    for (std::size_t k = 0; k < g_.nodes.size(); ++k) {
      if (!removed_.count(static_cast<int>(k))) kept.push_back(std::move(g_.nodes[k]));
    }
    g_.nodes = std::move(kept);
    removed_.clear();
  }
  finish();
  return stats_;
}

}  // namespace

QdqFusionStats fuse_qdq(Graph& graph) { return Rewriter(graph).run(); }

}  // namespace kenning::onnx_exec
