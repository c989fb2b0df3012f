#include "onnx/onnx_flops.h"

#include <set>
#include <unordered_map>
#include <vector>

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "kenning/core/error.h"
#include "onnx/onnx_graph_builder.h"

namespace kenning {

namespace {

using Dims = std::vector<std::int64_t>;  // empty: unknown

Dims dims_of(const onnx::TypeProto& type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return {};
  Dims dims;
  for (const auto& d : type.tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() <= 0) return {};
    dims.push_back(d.dim_value());
  }
  if (dims.empty()) dims.push_back(1);  // a scalar has one element
  return dims;
}

double product(const Dims& d, std::size_t from = 0) {
  double p = 1;
  for (std::size_t i = from; i < d.size(); ++i) p *= static_cast<double>(d[i]);
  return p;
}

// Multiply-adds of one node, or -1 when a needed shape is unknown.
double macs_of(const onnx::NodeProto& node, const std::unordered_map<std::string, Dims>& shapes) {
  auto shape = [&](int input) -> Dims {
    if (input >= node.input_size()) return {};
    const auto it = shapes.find(node.input(input));
    return it == shapes.end() ? Dims{} : it->second;
  };
  const auto out_it = shapes.find(node.output(0));
  const Dims out = out_it == shapes.end() ? Dims{} : out_it->second;
  const std::string& op = node.op_type();
  if (op == "Conv" || op == "QLinearConv") {
    // Each output element sums over weight[1:] = (C_in / group) * kernel.
    const Dims w = shape(op == "Conv" ? 1 : 3);
    if (out.empty() || w.size() < 2) return -1;
    return product(out) * product(w, 1);
  }
  if (op == "ConvTranspose") {
    // Each input element scatters into weight[1:] = (C_out / group) * kernel.
    const Dims x = shape(0), w = shape(1);
    if (x.empty() || w.size() < 2) return -1;
    return product(x) * product(w, 1);
  }
  if (op == "Gemm") {
    const Dims a = shape(0);
    bool trans_a = false;
    for (const auto& attr : node.attribute()) {
      if (attr.name() == "transA") trans_a = attr.i() != 0;
    }
    if (out.empty() || a.size() != 2) return -1;
    return product(out) * static_cast<double>(trans_a ? a[0] : a[1]);
  }
  if (op == "MatMul" || op == "QLinearMatMul" || op == "MatMulInteger") {
    const Dims a = shape(0);
    if (out.empty() || a.empty()) return -1;
    return product(out) * static_cast<double>(a.back());
  }
  return 0;
}

}  // namespace

GraphFlops count_onnx_flops(const std::filesystem::path& path, std::int64_t batch) {
  onnx::ModelProto model = load_onnx_model(path);
  auto* graph = model.mutable_graph();
  std::set<std::string> initializers;
  for (const auto& init : graph->initializer()) initializers.insert(init.name());
  for (auto& input : *graph->mutable_input()) {
    if (initializers.count(input.name()) || !input.type().has_tensor_type()) continue;
    for (auto& dim : *input.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
      if (!dim.has_dim_value() || dim.dim_value() <= 0) dim.set_dim_value(batch);
    }
  }
  // Shapes from earlier inference would keep the symbolic batch; start afresh.
  graph->clear_value_info();
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/0);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    throw BackendError(path.string() + ": ONNX shape inference failed: " + e.what());
  }

  std::unordered_map<std::string, Dims> shapes;
  for (const auto& v : graph->input()) shapes[v.name()] = dims_of(v.type());
  for (const auto& v : graph->value_info()) shapes[v.name()] = dims_of(v.type());
  for (const auto& v : graph->output()) shapes[v.name()] = dims_of(v.type());
  for (const auto& init : graph->initializer()) shapes[init.name()] = Dims(init.dims().begin(), init.dims().end());

  GraphFlops flops;
  for (const auto& node : graph->node()) {
    if (node.output_size() == 0) continue;
    const double macs = macs_of(node, shapes);
    if (macs < 0) {
      ++flops.nodes_without_shapes;
      continue;
    }
    if (macs == 0) continue;
    flops.by_op[node.op_type()] += 2 * macs;
    flops.total += 2 * macs;
  }
  return flops;
}

}  // namespace kenning
