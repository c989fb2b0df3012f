#include "optimizers/constant_evaluation.h"

#include <algorithm>
#include <map>
#include <set>

#include <onnx/shape_inference/implementation.h>

#include "onnx_exec/executor.h"
#include "onnx_exec/graph.h"
#include "kenning/core/error.h"
#include "optimizers/onnx_model_util.h"

namespace kenning {
namespace {

bool foldable_op(const onnx::NodeProto& n) {
  if (!in_default_domain(n)) return false;
  static const std::set<std::string> never = {"QuantizeLinear",
                                              "DequantizeLinear",
                                              "DynamicQuantizeLinear",
                                              "RandomNormal",
                                              "RandomUniform",
                                              "RandomNormalLike",
                                              "RandomUniformLike",
                                              "Multinomial",
                                              "Bernoulli",
                                              "If",
                                              "Loop",
                                              "Scan",
                                              "Constant"};
  if (never.count(n.op_type())) return false;
  for (const auto& a : n.attribute()) {
    if (a.has_g() || a.graphs_size() > 0) return false;
  }
  return n.input_size() > 0;
}

int onnx_type_of(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return onnx::TensorProto_DataType_FLOAT;
    case at::kDouble:
      return onnx::TensorProto_DataType_DOUBLE;
    case at::kHalf:
      return onnx::TensorProto_DataType_FLOAT16;
    case at::kLong:
      return onnx::TensorProto_DataType_INT64;
    case at::kInt:
      return onnx::TensorProto_DataType_INT32;
    case at::kShort:
      return onnx::TensorProto_DataType_INT16;
    case at::kChar:
      return onnx::TensorProto_DataType_INT8;
    case at::kByte:
      return onnx::TensorProto_DataType_UINT8;
    case at::kBool:
      return onnx::TensorProto_DataType_BOOL;
    default:
      return onnx::TensorProto_DataType_UNDEFINED;
  }
}

// A one-node model that reads the node's constant inputs as initializers.
onnx::ModelProto single_node_model(const onnx::ModelProto& model, const onnx::NodeProto& node,
                                   const std::map<std::string, const onnx::TensorProto*>& constants) {
  onnx::ModelProto m;
  m.set_ir_version(model.ir_version());
  *m.mutable_opset_import() = model.opset_import();
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name("fold");
  std::set<std::string> added;
  for (const auto& in : node.input()) {
    if (in.empty() || !added.insert(in).second) continue;
    *g.add_initializer() = *constants.at(in);
  }
  *g.add_node() = node;
  for (const auto& out : node.output()) {
    if (out.empty()) continue;
    g.add_output()->set_name(out);
  }
  onnx::shape_inference::InferShapes(m);  // output types, needed by the executor
  for (const auto& out : g.output()) {
    if (!out.type().has_tensor_type() || out.type().tensor_type().elem_type() == 0) {
      throw NotSupported("no output type");
    }
  }
  return m;
}

}  // namespace

int fold_constant_nodes(onnx::ModelProto& model) {
  onnx::GraphProto& g = *model.mutable_graph();
  std::set<std::string> graph_inputs, graph_outputs;
  for (const auto& v : g.input()) graph_inputs.insert(v.name());
  for (const auto& v : g.output()) graph_outputs.insert(v.name());
  int folded = 0;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    std::map<std::string, const onnx::TensorProto*> constants;
    // Pointers into g.initializer() go stale when it grows, so look up per node.
    for (const auto& t : g.initializer()) {
      if (!graph_inputs.count(t.name()) && t.data_location() != onnx::TensorProto_DataLocation_EXTERNAL) {
        constants[t.name()] = &t;
      }
    }
    bool all_constant = foldable_op(n);
    for (const auto& in : n.input()) all_constant = all_constant && (in.empty() || constants.count(in));
    for (const auto& out : n.output()) all_constant = all_constant && !graph_outputs.count(out);
    std::vector<at::Tensor> values;
    if (all_constant) {
      try {
        const onnx::ModelProto single = single_node_model(model, n, constants);
        const auto exec = onnx_exec::Executor::from_graph(onnx_exec::build_graph(single, "constant folding"));
        values = exec.run({});
      } catch (const std::exception&) {
        values.clear();  // an op the executor cannot run stays a node
      }
    }
    std::size_t in_bytes = 0;
    for (const auto& in : n.input()) {
      if (in.empty() || !constants.count(in)) continue;
      const auto* t = constants.at(in);
      in_bytes += t->raw_data().size() + 4u * (t->float_data_size() + t->int32_data_size()) +
                  8u * (t->int64_data_size() + t->double_data_size());
    }
    std::size_t bytes = 0;
    bool representable = !values.empty();
    for (const auto& v : values) {
      bytes += v.numel() * v.element_size();
      representable = representable && onnx_type_of(v.scalar_type()) != onnx::TensorProto_DataType_UNDEFINED;
    }
    // Folding must not grow the file (a Cast of float16 weights back to
    // float32 would undo ONNXFloat16Compressor; Expand/Tile would bloat it).
    const bool grows = bytes > std::max<std::size_t>(in_bytes, 4096);
    if (!representable || bytes > kMaxFoldedBytes || grows) {
      *kept.Add() = n;
      continue;
    }
    std::size_t k = 0;
    for (const auto& out : n.output()) {
      if (out.empty()) continue;
      const at::Tensor v = values.at(k++).contiguous();
      onnx::TensorProto* t = g.add_initializer();
      t->set_name(out);
      t->set_data_type(onnx_type_of(v.scalar_type()));
      for (auto d : v.sizes()) t->add_dims(d);
      t->set_raw_data(std::string(static_cast<const char*>(v.data_ptr()), v.numel() * v.element_size()));
    }
    ++folded;
  }
  g.mutable_node()->Swap(&kept);
  return folded;
}

}  // namespace kenning
