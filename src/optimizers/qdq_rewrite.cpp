#include "optimizers/qdq_rewrite.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <onnx/shape_inference/implementation.h>

#include "kenning/core/error.h"
#include "optimizers/onnx_model_util.h"

namespace kenning {
namespace {

std::int64_t default_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  }
  return 0;
}

std::int64_t int_attr(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback) {
  const auto* a = find_attribute(n, name);
  return a ? a->i() : fallback;
}

float float_attr(const onnx::NodeProto& n, const std::string& name, float fallback) {
  const auto* a = find_attribute(n, name);
  return a ? a->f() : fallback;
}

std::string describe(const onnx::NodeProto& n, int index) {
  return "node #" + std::to_string(index) + " '" + n.name() + "' (" + n.op_type() + ")";
}

// Element type of every value whose type ONNX's shape inference knows.
std::map<std::string, int> value_types(const onnx::ModelProto& model) {
  onnx::ModelProto m = model;
  try {
    onnx::shape_inference::InferShapes(m);
  } catch (const std::exception&) {
    // Types then come from what the model declares; calibration reports real errors.
  }
  std::map<std::string, int> types;
  auto take = [&](const onnx::ValueInfoProto& v) {
    if (v.type().has_tensor_type()) types[v.name()] = v.type().tensor_type().elem_type();
  };
  for (const auto& v : m.graph().input()) take(v);
  for (const auto& v : m.graph().output()) take(v);
  for (const auto& v : m.graph().value_info()) take(v);
  for (const auto& t : m.graph().initializer()) types[t.name()] = t.data_type();
  return types;
}

// Ops whose output is a rearrangement (or maximum) of input values: their
// output can share the input's scale and zero point exactly.
bool moves_data(const std::string& op) {
  static const std::set<std::string> ops = {"MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze"};
  return ops.count(op) > 0;
}

bool is_activation(const onnx::NodeProto& n) { return n.op_type() == "Relu" || n.op_type() == "Clip"; }

// Ops that mean the model is quantized already.
bool quantization_op(const std::string& op) {
  static const std::set<std::string> ops = {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
                                            "QLinearConv",    "QLinearMatMul",    "ConvInteger",
                                            "MatMulInteger"};
  return ops.count(op) > 0;
}

}  // namespace

std::vector<std::string> QdqPlan::tensors_to_calibrate() const {
  std::vector<std::string> out;
  for (const auto& a : activations) {
    if (!shares_params_with.count(a)) out.push_back(a);
  }
  return out;
}

QdqPlan plan_qdq(const onnx::ModelProto& model, bool per_channel, const std::string& cls, const std::string& file) {
  const std::string where = cls + ": '" + file + "'";
  const onnx::GraphProto& g = model.graph();
  const std::int64_t opset = default_opset(model);
  if (opset < 10) {
    throw NotSupported(where + " has opset " + std::to_string(opset) + "; QuantizeLinear needs opset 10 or newer");
  }
  if (per_channel && opset < 13) {
    throw NotSupported(where + " has opset " + std::to_string(opset) +
                       "; per-channel weights need opset 13 or newer (export the model at opset 13, or set "
                       "per_channel to false)");
  }
  const auto types = value_types(model);
  auto is_float = [&](const std::string& name) {
    const auto it = types.find(name);
    return it != types.end() && it->second == onnx::TensorProto_DataType_FLOAT;
  };
  std::set<std::string> graph_inputs, graph_outputs, constants;
  for (const auto& v : g.input()) graph_inputs.insert(v.name());
  for (const auto& v : g.output()) graph_outputs.insert(v.name());
  for (const auto& t : g.initializer()) {
    if (!graph_inputs.count(t.name())) constants.insert(t.name());
  }
  std::map<std::string, std::vector<int>> readers;
  std::map<std::string, int> uses;  // of initializers, by any node input
  for (int i = 0; i < g.node_size(); ++i) {
    for (const auto& s : g.node(i).input()) {
      readers[s].push_back(i);
      ++uses[s];
    }
  }
  auto is_weight = [&](const std::string& name) {
    return constants.count(name) && is_float(name) && uses[name] == 1 &&
           g.initializer().end() != std::find_if(g.initializer().begin(), g.initializer().end(), [&](const auto& t) {
             return t.name() == name && t.data_location() != onnx::TensorProto_DataLocation_EXTERNAL;
           });
  };

  QdqPlan plan;
  std::set<std::string> marked;
  auto mark = [&](const std::string& name) {
    if (name.empty() || constants.count(name) || !is_float(name) || marked.count(name)) return;
    marked.insert(name);
    plan.activations.push_back(name);
  };
  std::set<int> activation_after_weighted;  // Relu/Clip nodes whose output is quantized instead of their input
  // The output of a Conv/Gemm/MatMul/Add: quantized after a Relu/Clip that
  // is its only reader, so a runtime can run the activation inside the
  // integer kernel.
  auto mark_output = [&](const onnx::NodeProto& n) {
    const std::string& y = n.output(0);
    const auto& r = readers[y];
    if (!graph_outputs.count(y) && r.size() == 1 && is_activation(g.node(r[0])) && in_default_domain(g.node(r[0]))) {
      const auto& act = g.node(r[0]);
      const bool constant_bounds =
          act.op_type() == "Relu" || std::all_of(act.input().begin() + 1, act.input().end(),
                                                 [&](const std::string& s) { return s.empty() || constants.count(s); });
      if (constant_bounds) {
        activation_after_weighted.insert(r[0]);
        return;
      }
    }
    mark(y);
  };

  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    if (!in_default_domain(n)) {
      throw NotSupported(where + ": " + describe(n, i) + " is in domain '" + n.domain() +
                         "', which the quantizer does not know");
    }
    if (quantization_op(n.op_type())) {
      throw NotSupported(where + ": " + describe(n, i) + ": the model is already quantized");
    }
    const std::string& op = n.op_type();
    if (op == "Conv" && n.input_size() >= 2 && is_weight(n.input(1)) && is_float(n.input(0))) {
      mark(n.input(0));
      QuantizedWeight w{n.input(1), 0, "", n.input(0)};
      if (n.input_size() >= 3 && is_weight(n.input(2))) w.bias = n.input(2);
      plan.weights.push_back(w);
      mark_output(n);
    } else if (op == "Gemm" && n.input_size() >= 2 && is_weight(n.input(1)) && is_float(n.input(0)) &&
               int_attr(n, "transA", 0) == 0 && float_attr(n, "alpha", 1.0f) == 1.0f &&
               float_attr(n, "beta", 1.0f) == 1.0f) {
      mark(n.input(0));
      QuantizedWeight w{n.input(1), int_attr(n, "transB", 0) ? 0 : 1, "", n.input(0)};
      if (n.input_size() >= 3 && is_weight(n.input(2))) w.bias = n.input(2);
      plan.weights.push_back(w);
      mark_output(n);
    } else if (op == "MatMul" && is_weight(n.input(1)) && is_float(n.input(0))) {
      mark(n.input(0));
      plan.weights.push_back({n.input(1), 1, "", n.input(0)});
      mark_output(n);
    } else if (op == "Add" && !constants.count(n.input(0)) && !constants.count(n.input(1))) {
      mark(n.input(0));
      mark(n.input(1));
      mark_output(n);
    } else if (moves_data(op) && marked.count(n.input(0)) && n.output_size() == 1) {
      mark(n.output(0));
      if (marked.count(n.output(0))) plan.shares_params_with[n.output(0)] = n.input(0);
    } else if (is_activation(n) && (activation_after_weighted.count(i) || marked.count(n.input(0)))) {
      mark(n.output(0));
    } else if ((op == "GlobalAveragePool" || op == "AveragePool") && marked.count(n.input(0))) {
      mark(n.output(0));
    }
  }
  // A shared chain must end at a tensor that has its own range.
  for (auto& [out, in] : plan.shares_params_with) {
    while (plan.shares_params_with.count(in)) in = plan.shares_params_with.at(in);
  }
  if (plan.weights.empty()) {
    throw NotSupported(where +
                       ": nothing to quantize: no Conv, Gemm (alpha = beta = 1) or MatMul with a constant "
                       "float32 weight");
  }
  return plan;
}

QuantParams activation_params(const TensorRange& r, QuantType type) {
  const double lo = std::min(0.0, static_cast<double>(r.min));
  const double hi = std::max(0.0, static_cast<double>(r.max));
  QuantParams p;
  const double scale = (hi - lo) / 255.0;
  p.scale = scale > 0 ? static_cast<float>(scale) : 1.0f;
  const double qmin = type == QuantType::UInt8 ? 0 : -128;
  const double qmax = type == QuantType::UInt8 ? 255 : 127;
  p.zero_point = static_cast<std::int64_t>(std::clamp(std::nearbyint(qmin - lo / p.scale), qmin, qmax));
  return p;
}

namespace {

// Builds the rewritten graph: new initializers, nodes and renamings.
class QdqWriter {
 public:
  QdqWriter(onnx::ModelProto& model, const QdqOptions& options) : g_(*model.mutable_graph()), options_(options) {
    for (const auto& t : g_.initializer()) used_.insert(t.name());
    for (const auto& n : g_.node()) {
      for (const auto& s : n.input()) used_.insert(s);
      for (const auto& s : n.output()) used_.insert(s);
    }
    for (const auto& v : g_.input()) used_.insert(v.name());
    for (const auto& v : g_.output()) used_.insert(v.name());
  }

  std::string fresh(const std::string& base) {
    std::string name = base;
    for (int i = 1; used_.count(name); ++i) name = base + "_" + std::to_string(i);
    used_.insert(name);
    return name;
  }

  int onnx_type() const {
    return options_.activations == QuantType::UInt8 ? onnx::TensorProto_DataType_UINT8
                                                    : onnx::TensorProto_DataType_INT8;
  }

  // Scalar scale and zero point initializers for an activation.
  std::pair<std::string, std::string> scalar_params(const std::string& tensor, const QuantParams& p) {
    const std::string s = fresh(tensor + "_scale");
    const std::string z = fresh(tensor + "_zero_point");
    onnx::TensorProto* st = g_.add_initializer();
    st->set_name(s);
    st->set_data_type(onnx::TensorProto_DataType_FLOAT);
    st->add_float_data(p.scale);
    onnx::TensorProto* zt = g_.add_initializer();
    zt->set_name(z);
    zt->set_data_type(onnx_type());
    zt->add_int32_data(static_cast<std::int32_t>(p.zero_point));
    return {s, z};
  }

  static onnx::NodeProto node(const std::string& op, const std::vector<std::string>& in, const std::string& out,
                              const std::string& name) {
    onnx::NodeProto n;
    n.set_op_type(op);
    n.set_name(name);
    for (const auto& s : in) n.add_input(s);
    n.add_output(out);
    return n;
  }

  static void set_axis(onnx::NodeProto& n, std::int64_t axis) {
    auto* a = n.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(axis);
  }

  onnx::GraphProto& g_;
  const QdqOptions& options_;
  std::set<std::string> used_;
};

onnx::TensorProto* find_initializer(onnx::GraphProto& g, const std::string& name) {
  for (auto& t : *g.mutable_initializer()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

void remove_initializers(onnx::GraphProto& g, const std::set<std::string>& names) {
  google::protobuf::RepeatedPtrField<onnx::TensorProto> kept;
  for (auto& t : *g.mutable_initializer()) {
    if (!names.count(t.name())) *kept.Add() = std::move(t);
  }
  g.mutable_initializer()->Swap(&kept);
}

// Per output channel (or one) symmetric scales: max |w| / 127.
std::vector<float> weight_scales(const std::vector<float>& w, const std::vector<std::int64_t>& dims, std::int64_t axis,
                                 bool per_channel) {
  if (!per_channel) {
    float m = 0;
    for (float v : w) m = std::max(m, std::abs(v));
    return {m > 0 ? m / 127.0f : 1.0f};
  }
  const std::int64_t channels = dims[static_cast<std::size_t>(axis)];
  std::int64_t inner = 1;
  for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  std::vector<float> m(static_cast<std::size_t>(channels), 0.0f);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto c = static_cast<std::size_t>((static_cast<std::int64_t>(i) / inner) % channels);
    m[c] = std::max(m[c], std::abs(w[i]));
  }
  for (float& v : m) v = v > 0 ? v / 127.0f : 1.0f;
  return m;
}

}  // namespace

QdqResult apply_qdq(onnx::ModelProto& model, const QdqPlan& plan, const std::map<std::string, TensorRange>& ranges,
                    const QdqOptions& options, const std::string& cls) {
  QdqWriter w(model, options);
  onnx::GraphProto& g = *model.mutable_graph();
  QdqResult result;

  // Activation parameters, shared ones copied from their source.
  std::map<std::string, QuantParams> params;
  for (const auto& a : plan.activations) {
    const auto share = plan.shares_params_with.find(a);
    const std::string& source = share == plan.shares_params_with.end() ? a : share->second;
    const auto r = ranges.find(source);
    if (r == ranges.end()) throw BackendError(cls + ": no calibrated range for tensor '" + source + "'");
    params[a] = activation_params(r->second, options.activations);
  }

  std::vector<onnx::NodeProto> front;  // weight DequantizeLinear nodes, then graph input ones
  std::set<std::string> replaced;      // float initializers now produced by a DequantizeLinear
  for (const auto& qw : plan.weights) {
    onnx::TensorProto* t = find_initializer(g, qw.name);
    const auto values = t ? onnx_float_values(*t) : std::nullopt;
    if (!values) continue;  // checked in the plan; defensive
    std::vector<std::int64_t> dims(t->dims().begin(), t->dims().end());
    if (dims.empty() || qw.axis >= static_cast<std::int64_t>(dims.size())) continue;
    const std::vector<float> scales = weight_scales(*values, dims, qw.axis, options.per_channel);
    std::int64_t inner = 1;
    for (std::size_t d = static_cast<std::size_t>(qw.axis) + 1; d < dims.size(); ++d) inner *= dims[d];
    const auto channels = dims[static_cast<std::size_t>(qw.axis)];
    std::string q_bytes(values->size(), '\0');
    for (std::size_t i = 0; i < values->size(); ++i) {
      const auto c =
          scales.size() == 1 ? 0 : static_cast<std::size_t>((static_cast<std::int64_t>(i) / inner) % channels);
      const float q = std::clamp(std::nearbyint((*values)[i] / scales[c]), -127.0f, 127.0f);
      q_bytes[i] = static_cast<char>(static_cast<std::int8_t>(q));
    }
    const std::string qname = w.fresh(qw.name + "_quantized");
    const std::string sname = w.fresh(qw.name + "_scale");
    const std::string zname = w.fresh(qw.name + "_zero_point");
    onnx::TensorProto* qt = g.add_initializer();
    qt->set_name(qname);
    qt->set_data_type(onnx::TensorProto_DataType_INT8);
    for (auto d : dims) qt->add_dims(d);
    qt->set_raw_data(q_bytes);
    onnx::TensorProto* st = g.add_initializer();
    st->set_name(sname);
    st->set_data_type(onnx::TensorProto_DataType_FLOAT);
    if (scales.size() > 1) st->add_dims(static_cast<std::int64_t>(scales.size()));
    for (float s : scales) st->add_float_data(s);
    onnx::TensorProto* zt = g.add_initializer();
    zt->set_name(zname);
    zt->set_data_type(onnx::TensorProto_DataType_INT8);
    if (scales.size() > 1) zt->add_dims(static_cast<std::int64_t>(scales.size()));
    for (std::size_t i = 0; i < scales.size(); ++i) zt->add_int32_data(0);
    onnx::NodeProto dq = QdqWriter::node("DequantizeLinear", {qname, sname, zname}, qw.name, qw.name + "_dequantize");
    if (scales.size() > 1) QdqWriter::set_axis(dq, qw.axis);
    front.push_back(dq);
    replaced.insert(qw.name);
    ++result.quantized_weights;

    // The bias in int32 at scale s_x * s_w, as integer kernels accumulate it.
    const auto input_params = params.find(qw.activation);
    onnx::TensorProto* bt = qw.bias.empty() ? nullptr : find_initializer(g, qw.bias);
    const auto bias = bt ? onnx_float_values(*bt) : std::nullopt;
    if (!bias || input_params == params.end() || bt->dims_size() != 1 || bt->dims(0) != channels) continue;
    std::vector<std::int32_t> qb(bias->size());
    std::vector<float> bscales(scales.size());
    for (std::size_t c = 0; c < scales.size(); ++c) bscales[c] = input_params->second.scale * scales[c];
    for (std::size_t c = 0; c < bias->size(); ++c) {
      const float s = bscales[bscales.size() == 1 ? 0 : c];
      qb[c] = static_cast<std::int32_t>(
          std::clamp(std::nearbyint(static_cast<double>((*bias)[c]) / s), -2147483647.0, 2147483647.0));
    }
    const std::string bq = w.fresh(qw.bias + "_quantized");
    const std::string bs = w.fresh(qw.bias + "_scale");
    const std::string bz = w.fresh(qw.bias + "_zero_point");
    onnx::TensorProto* bqt = g.add_initializer();
    bqt->set_name(bq);
    bqt->set_data_type(onnx::TensorProto_DataType_INT32);
    bqt->add_dims(static_cast<std::int64_t>(qb.size()));
    for (auto v : qb) bqt->add_int32_data(v);
    onnx::TensorProto* bst = g.add_initializer();
    bst->set_name(bs);
    bst->set_data_type(onnx::TensorProto_DataType_FLOAT);
    if (bscales.size() > 1) bst->add_dims(static_cast<std::int64_t>(bscales.size()));
    for (float s : bscales) bst->add_float_data(s);
    onnx::TensorProto* bzt = g.add_initializer();
    bzt->set_name(bz);
    bzt->set_data_type(onnx::TensorProto_DataType_INT32);
    if (bscales.size() > 1) bzt->add_dims(static_cast<std::int64_t>(bscales.size()));
    for (std::size_t i = 0; i < bscales.size(); ++i) bzt->add_int32_data(0);
    onnx::NodeProto bdq = QdqWriter::node("DequantizeLinear", {bq, bs, bz}, qw.bias, qw.bias + "_dequantize");
    if (bscales.size() > 1) QdqWriter::set_axis(bdq, 0);
    front.push_back(bdq);
    replaced.insert(qw.bias);
    ++result.quantized_biases;
  }
  remove_initializers(g, replaced);

  std::set<std::string> graph_inputs, graph_outputs;
  for (const auto& v : g.input()) graph_inputs.insert(v.name());
  for (const auto& v : g.output()) graph_outputs.insert(v.name());

  // Graph inputs: Q (unless the input itself becomes integer) and DQ, with
  // every reader moved to the DQ's output.
  std::map<std::string, std::string> reroute;
  for (auto& v : *g.mutable_input()) {
    const auto p = params.find(v.name());
    if (p == params.end()) continue;
    const auto [s, z] = w.scalar_params(v.name(), p->second);
    const std::string dq_out = w.fresh(v.name() + "_dequantized");
    if (options.quantize_inputs) {
      v.mutable_type()->mutable_tensor_type()->set_elem_type(w.onnx_type());
      front.push_back(QdqWriter::node("DequantizeLinear", {v.name(), s, z}, dq_out, v.name() + "_dequantize"));
      result.integer_inputs[v.name()] = p->second;
    } else {
      const std::string q_out = w.fresh(v.name() + "_quantized");
      front.push_back(QdqWriter::node("QuantizeLinear", {v.name(), s, z}, q_out, v.name() + "_quantize"));
      front.push_back(QdqWriter::node("DequantizeLinear", {q_out, s, z}, dq_out, v.name() + "_dequantize"));
    }
    reroute[v.name()] = dq_out;
    ++result.quantized_activations;
  }

  // Node outputs: the producer writes `<t>_float`, then Q -> DQ gives `t`
  // back, so readers and graph outputs keep their names.
  std::vector<onnx::NodeProto> nodes = front;
  for (auto& n : *g.mutable_node()) {
    for (auto& in : *n.mutable_input()) {
      const auto r = reroute.find(in);
      if (r != reroute.end()) in = r->second;
    }
    std::vector<onnx::NodeProto> after;
    for (auto& out : *n.mutable_output()) {
      const auto p = params.find(out);
      if (p == params.end() || graph_inputs.count(out)) continue;
      const std::string t = out;
      const auto [s, z] = w.scalar_params(t, p->second);
      const std::string f = w.fresh(t + "_float");
      out = f;
      if (options.quantize_outputs && graph_outputs.count(t)) {
        after.push_back(QdqWriter::node("QuantizeLinear", {f, s, z}, t, t + "_quantize"));
        result.integer_outputs[t] = p->second;
      } else {
        const std::string q = w.fresh(t + "_quantized");
        after.push_back(QdqWriter::node("QuantizeLinear", {f, s, z}, q, t + "_quantize"));
        after.push_back(QdqWriter::node("DequantizeLinear", {q, s, z}, t, t + "_dequantize"));
      }
      ++result.quantized_activations;
    }
    nodes.push_back(n);
    for (auto& a : after) nodes.push_back(std::move(a));
  }
  g.clear_node();
  for (auto& n : nodes) *g.add_node() = std::move(n);

  // Integer graph outputs: other readers of such an output would now get
  // integers, so they are refused rather than silently changed.
  for (auto& v : *g.mutable_output()) {
    if (!result.integer_outputs.count(v.name())) continue;
    for (const auto& n : g.node()) {
      if (n.op_type() == "QuantizeLinear" && n.output(0) == v.name()) continue;
      for (const auto& in : n.input()) {
        if (in == v.name()) {
          throw NotSupported(cls + ": graph output '" + v.name() + "' is also read by node '" + n.name() +
                             "'; it cannot be left integer (set inference_output_type to float32)");
        }
      }
    }
    v.mutable_type()->mutable_tensor_type()->set_elem_type(w.onnx_type());
  }
  if (options.quantize_inputs && result.integer_inputs.size() != static_cast<std::size_t>(g.input_size())) {
    throw NotSupported(cls + ": inference_input_type is integer, but not every graph input feeds a quantized op");
  }
  if (options.quantize_outputs && result.integer_outputs.size() != static_cast<std::size_t>(g.output_size())) {
    throw NotSupported(cls +
                       ": inference_output_type is integer, but not every graph output comes from a quantized op");
  }
  g.clear_value_info();  // refilled by shape inference when saved
  return result;
}

}  // namespace kenning
