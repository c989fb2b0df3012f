#include "onnx_exec/graph.h"

#include <fstream>
#include <iterator>
#include <set>
#include <system_error>
#include <unordered_map>

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include "kenning/core/error.h"
#include "onnx_exec/tensor_proto.h"

namespace kenning::onnx_exec {
namespace {

bool is_default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

ValueInfo value_info(const onnx::ValueInfoProto& v, const std::string& where) {
  if (!v.type().has_tensor_type()) {
    throw NotSupported(where + ": '" + v.name() +
                       "' is not a tensor (sequence, map and "
                       "optional values are not supported)");
  }
  const auto& t = v.type().tensor_type();
  ValueInfo info;
  info.name = v.name();
  info.dtype = scalar_type_from_onnx(t.elem_type(), where + ": '" + v.name() + "'");
  info.ranked = t.has_shape();
  for (const auto& d : t.shape().dim()) {
    info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  return info;
}

}  // namespace

std::string describe_node(const onnx::NodeProto& node, std::size_t index) {
  return "node #" + std::to_string(index) + " '" + node.name() + "' (" + node.op_type() + ")";
}

onnx::ModelProto read_model_file(const std::filesystem::path& file) {
  const std::string name = quoted(file);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw IoError("ONNX model " + name + " does not exist or is not a file");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open ONNX model " + name);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  onnx::ModelProto model;
  // Protobuf accepts many byte strings as some message; a model has a graph.
  if (bytes.empty() || !model.ParseFromString(bytes) || !model.has_graph()) {
    throw IoError(name + " is not an ONNX model (truncated, or not an ONNX protobuf)");
  }
  return model;
}

void check_types_and_shapes(const onnx::ModelProto& model, const std::vector<onnx::NodeProto>& sorted,
                            const std::string& where) {
  onnx::ModelProto copy = model;
  auto* graph = copy.mutable_graph();
  graph->clear_node();
  for (const auto& node : sorted) *graph->add_node() = node;
  graph->clear_value_info();
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/true, /*error_mode=*/1);
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    std::string what = e.what();
    throw BackendError(where + ": type and shape inference failed: " + what.substr(0, what.find('\n')));
  }
}

Graph build_graph(const onnx::ModelProto& model, const std::filesystem::path& file) {
  const std::string where = quoted(file);
  Graph g;
  g.file = file;
  for (const auto& op : model.opset_import()) {
    if (is_default_domain(op.domain())) g.opset = op.version();
  }
  if (g.opset < kMinOpset || g.opset > kMaxOpset) {
    throw NotSupported(where + ": opset " + std::to_string(g.opset) +
                       " of the default domain is not supported (supported: " + std::to_string(kMinOpset) + ".." +
                       std::to_string(kMaxOpset) + ")");
  }
  const onnx::GraphProto& graph = model.graph();
  const std::filesystem::path dir = file.parent_path();
  for (const auto& init : graph.initializer()) {
    g.initializers[init.name()] = tensor_from_proto(init, dir, where + ": initializer");
  }
  if (graph.sparse_initializer_size() > 0) {
    throw NotSupported(where + ": sparse initializers are not supported");
  }
  for (const auto& in : graph.input()) {
    if (g.initializers.count(in.name())) continue;  // a constant with an overridable default
    g.inputs.push_back(value_info(in, where + ": input"));
  }
  for (const auto& out : graph.output()) g.outputs.push_back(value_info(out, where + ": output"));

  // Repeated passes in file order: one pass for the usual already-sorted file,
  // and independent nodes keep their file order.
  std::set<std::string> available;
  for (const auto& [name, _] : g.initializers) available.insert(name);
  for (const auto& in : g.inputs) available.insert(in.name);
  std::unordered_map<std::string, std::size_t> producer;
  const int n = graph.node_size();
  for (int i = 0; i < n; ++i) {
    const auto& node = graph.node(i);
    if (!is_default_domain(node.domain())) {
      throw NotSupported(where + ": " + describe_node(node, i) + " is in domain '" + node.domain() +
                         "'; only the default ONNX domain is supported");
    }
    for (const auto& out : node.output()) {
      if (out.empty()) continue;
      if (available.count(out) || !producer.emplace(out, i).second) {
        throw BackendError(where + ": " + describe_node(node, i) + " writes '" + out + "', which is already defined");
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    for (const auto& in : graph.node(i).input()) {
      if (!in.empty() && !available.count(in) && !producer.count(in)) {
        throw BackendError(where + ": " + describe_node(graph.node(i), i) + " reads '" + in +
                           "', which no node, input or initializer produces");
      }
    }
  }
  std::vector<bool> done(n, false);
  std::size_t remaining = n;
  while (remaining > 0) {
    bool progress = false;
    for (int i = 0; i < n; ++i) {
      if (done[i]) continue;
      const auto& node = graph.node(i);
      bool ready = true;
      for (const auto& in : node.input()) ready = ready && (in.empty() || available.count(in));
      if (!ready) continue;
      for (const auto& out : node.output()) {
        if (!out.empty()) available.insert(out);
      }
      g.nodes.push_back(node);
      done[i] = true;
      --remaining;
      progress = true;
    }
    if (!progress) {
      for (int i = 0; i < n; ++i) {
        if (done[i]) continue;
        for (const auto& in : graph.node(i).input()) {
          if (!in.empty() && !available.count(in)) {
            throw BackendError(where + ": the graph has a cycle: " + describe_node(graph.node(i), i) + " waits for '" +
                               in + "'");
          }
        }
      }
    }
  }
  for (const auto& out : g.outputs) {
    if (!available.count(out.name)) {
      throw BackendError(where + ": output '" + out.name + "' is produced by no node");
    }
  }
  return g;
}

}  // namespace kenning::onnx_exec
