// A minimal min-max QDQ rewrite of a float ONNX model, for tests and
// benchmarks of the executor's int8 path only (it is not the project's
// quantizer): it writes the ONNX Runtime "QDQ" layout that qdq_fusion.h
// expects.
//  - activations: QuantizeLinear -> DequantizeLinear after the graph input
//    and after every op output, per tensor, uint8 or int8, ranges from one
//    calibration run; a Conv/Gemm/MatMul/Add output read only by a Relu/Clip
//    (or a MatMul's read by its bias Add) is left float, as a quantizer does
//    for fusable pairs;
//    MaxPool/Flatten/Reshape outputs keep their input's parameters;
//  - Conv/Gemm/MatMul constant weights: int8, symmetric, per tensor or per
//    output channel; their constant biases: int32 in units of s_x * s_w.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

#include "onnx_exec/executor.h"
#include "onnx_exec/graph.h"

namespace kenning::testing {

struct QdqOptions {
  bool per_channel = true;
  bool int8_activations = false;  // int8 (s8) instead of uint8 activations
  bool float_outputs = false;     // graph outputs stay the float op's result
};

namespace qdq_detail {

inline void add_initializer(onnx::GraphProto& g, const std::string& name, const at::Tensor& t) {
  auto* p = g.add_initializer();
  p->set_name(name);
  const at::Tensor c = t.contiguous();
  for (auto d : c.sizes()) p->add_dims(d);
  switch (c.scalar_type()) {
    case at::kFloat:
      p->set_data_type(onnx::TensorProto::FLOAT);
      break;
    case at::kByte:
      p->set_data_type(onnx::TensorProto::UINT8);
      break;
    case at::kChar:
      p->set_data_type(onnx::TensorProto::INT8);
      break;
    case at::kInt:
      p->set_data_type(onnx::TensorProto::INT32);
      break;
    default:
      p->set_data_type(onnx::TensorProto::INT64);
  }
  p->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()), c.nbytes()));
}

inline onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& in,
                                 const std::string& out) {
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + out);
  for (const auto& i : in) n->add_input(i);
  n->add_output(out);
  return n;
}

inline void set_axis(onnx::NodeProto* n, std::int64_t axis) {
  auto* a = n->add_attribute();
  a->set_name("axis");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(axis);
}

inline std::int64_t int_attr(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return a.i();
  }
  return fallback;
}

}  // namespace qdq_detail

// `calibration`: the model's inputs for the range run.
inline onnx::ModelProto make_qdq_model(const onnx::ModelProto& model, const std::vector<at::Tensor>& calibration,
                                       const QdqOptions& options) {
  using namespace qdq_detail;
  namespace ox = onnx_exec;
  // Every intermediate as an output of an unfused run gives the ranges.
  onnx::ModelProto probe = model;
  std::set<std::string> outputs;
  for (const auto& o : model.graph().output()) outputs.insert(o.name());
  for (const auto& n : model.graph().node()) {
    for (const auto& o : n.output()) {
      if (o.empty() || outputs.count(o)) continue;
      auto* v = probe.mutable_graph()->add_output();
      v->set_name(o);
      v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    }
  }
  ox::Graph probe_graph = ox::build_graph(probe, "calibration.onnx");
  const auto constants = probe_graph.initializers;
  const auto exec = ox::Executor::from_graph(std::move(probe_graph), {.fusion = false});
  const auto values = exec.run(calibration);
  std::map<std::string, at::Tensor> value_of;
  for (std::size_t i = 0; i < exec.outputs().size(); ++i) value_of[exec.outputs()[i].name] = values[i];
  for (std::size_t i = 0; i < exec.inputs().size(); ++i) value_of[exec.inputs()[i].name] = calibration[i];

  std::map<std::string, int> readers;
  std::map<std::string, const onnx::NodeProto*> reader;
  for (const auto& n : model.graph().node()) {
    for (const auto& i : n.input()) {
      ++readers[i];
      reader[i] = &n;
    }
  }
  auto sole_reader_op = [&](const std::string& v) {
    return readers[v] == 1 && !outputs.count(v) ? reader[v]->op_type() : std::string();
  };

  onnx::ModelProto out = model;
  onnx::GraphProto& g = *out.mutable_graph();
  g.clear_node();
  std::map<std::string, std::string> rename;            // float value -> its DQ output
  std::map<std::string, std::pair<float, int>> params;  // quantized value -> scale, zero point
  const at::ScalarType act_type = options.int8_activations ? at::kChar : at::kByte;
  const int q_min = options.int8_activations ? -128 : 0;

  // Q -> DQ after `v`; the DQ writes `dq_name` (v itself for a graph output).
  auto quantize = [&](const std::string& v, const std::string& dq_name, std::pair<float, int> p) {
    add_initializer(g, v + "_scale", at::full({}, p.first, at::kFloat));
    add_initializer(g, v + "_zp", at::full({}, p.second, act_type));
    add_node(g, "QuantizeLinear", {v, v + "_scale", v + "_zp"}, v + "_q");
    add_node(g, "DequantizeLinear", {v + "_q", v + "_scale", v + "_zp"}, dq_name);
    params[dq_name] = p;
  };
  auto range_params = [&](const std::string& v) {
    const at::Tensor t = value_of.at(v);
    const float lo = std::min(t.min().item<float>(), 0.0f), hi = std::max(t.max().item<float>(), 0.0f);
    const float scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
    const int zp = std::clamp(static_cast<int>(std::nearbyint(q_min - lo / scale)), q_min, q_min + 255);
    return std::pair{scale, zp};
  };
  auto dq_weight = [&](const std::string& name, std::int64_t axis) {
    const at::Tensor w = constants.at(name);
    at::Tensor s;
    if (options.per_channel) {
      std::vector<std::int64_t> dims;
      for (std::int64_t d = 0; d < w.dim(); ++d) {
        if (d != axis) dims.push_back(d);
      }
      s = w.abs().amax(dims) / 127.0f;
    } else {
      s = w.abs().max().reshape({}) / 127.0f;
    }
    s = at::where(s > 0, s, at::ones_like(s));
    std::vector<std::int64_t> view(static_cast<std::size_t>(w.dim()), 1);
    if (s.dim() == 1) view[axis] = -1;
    const at::Tensor q = at::round(w / s.reshape(view)).clamp(-127, 127).to(at::kChar);
    add_initializer(g, name + "_q", q);
    add_initializer(g, name + "_wscale", s);
    add_initializer(g, name + "_wzp", at::zeros(s.sizes(), at::kChar));
    auto* n = add_node(g, "DequantizeLinear", {name + "_q", name + "_wscale", name + "_wzp"}, name + "_dq");
    set_axis(n, axis);
    return std::pair{name + "_dq", s};
  };
  auto dq_bias = [&](const std::string& name, float x_scale, const at::Tensor& w_scale) {
    const at::Tensor s = (w_scale * x_scale).reshape({-1});
    const at::Tensor q = at::round(constants.at(name).reshape({-1}) / s).to(at::kInt);
    add_initializer(g, name + "_q", q);
    add_initializer(g, name + "_bscale", s);
    add_initializer(g, name + "_bzp", at::zeros(s.sizes(), at::kInt));
    auto* n = add_node(g, "DequantizeLinear", {name + "_q", name + "_bscale", name + "_bzp"}, name + "_dq");
    set_axis(n, 0);
    return name + "_dq";
  };

  for (const auto& in : model.graph().input()) {
    if (!constants.count(in.name())) quantize(in.name(), in.name() + "_dq", range_params(in.name()));
    rename[in.name()] = in.name() + "_dq";
  }
  // MatMul output -> its input's and weight's scales (for a bias Add).
  std::map<std::string, std::pair<float, at::Tensor>> matmul_scales;
  for (const auto& node : model.graph().node()) {
    onnx::NodeProto n = node;
    const std::string& op = n.op_type();
    auto input = [&](int i) { return rename.count(n.input(i)) ? rename[n.input(i)] : n.input(i); };
    if ((op == "Conv" || op == "Gemm" || op == "MatMul") && constants.count(n.input(1))) {
      const bool trans_b = op == "Gemm" && int_attr(n, "transB", 0) != 0;
      const std::int64_t axis = op == "Conv" || trans_b ? 0 : 1;
      const std::string x = input(0);
      const auto [w_dq, w_scale] = dq_weight(n.input(1), axis);
      n.set_input(0, x);
      n.set_input(1, w_dq);
      if (n.input_size() > 2 && constants.count(n.input(2))) {
        n.set_input(2, dq_bias(n.input(2), params.at(x).first, w_scale));
      }
      if (op == "MatMul") matmul_scales[n.output(0)] = {params.at(x).first, w_scale};
    } else if (op == "Add" && matmul_scales.count(n.input(0)) && constants.count(n.input(1))) {
      const auto& [x_scale, w_scale] = matmul_scales.at(n.input(0));
      n.set_input(1, dq_bias(n.input(1), x_scale, w_scale));
    } else {
      for (int i = 0; i < n.input_size(); ++i) n.set_input(i, input(i));
    }
    const std::string y = node.output(0);
    const std::string next = sole_reader_op(y);
    const bool fusable = (op == "Conv" || op == "Gemm" || op == "MatMul" || op == "Add") &&
                         (next == "Relu" || next == "Clip" || (op == "MatMul" && next == "Add"));
    const bool keep_params = op == "MaxPool" || op == "Flatten" || op == "Reshape";
    if (fusable || node.output_size() != 1 || (options.float_outputs && outputs.count(y))) {
      *g.add_node() = n;
      continue;
    }
    const auto p = keep_params ? params.at(input(0)) : range_params(y);
    if (outputs.count(y)) {
      n.set_output(0, y + "_float");
      *g.add_node() = n;
      // The graph output is the DQ's float output.
      add_initializer(g, y + "_float_scale", at::full({}, p.first, at::kFloat));
      add_initializer(g, y + "_float_zp", at::full({}, p.second, act_type));
      add_node(g, "QuantizeLinear", {y + "_float", y + "_float_scale", y + "_float_zp"}, y + "_q");
      add_node(g, "DequantizeLinear", {y + "_q", y + "_float_scale", y + "_float_zp"}, y);
      params[y] = p;
    } else {
      *g.add_node() = n;
      quantize(y, y + "_dq", p);
      rename[y] = y + "_dq";
    }
  }
  // Float weights and biases now unread.
  std::set<std::string> read;
  for (const auto& n : g.node()) read.insert(n.input().begin(), n.input().end());
  auto* inits = g.mutable_initializer();
  for (int i = inits->size(); i-- > 0;) {
    if (!read.count(inits->Get(i).name())) inits->DeleteSubrange(i, 1);
  }
  return out;
}

}  // namespace kenning::testing
