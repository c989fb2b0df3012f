// Loading an ONNX file into a checked, topologically sorted graph.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

namespace kenning::onnx_exec {

// Opsets of the default domain this interpreter implements.
inline constexpr std::int64_t kMinOpset = 7;
inline constexpr std::int64_t kMaxOpset = 17;

// A graph input as declared in the model: -1 marks a free (symbolic or
// unknown) dimension; `ranked` is false when no shape was declared.
struct ValueInfo {
  std::string name;
  at::ScalarType dtype = at::kFloat;
  std::vector<std::int64_t> shape;
  bool ranked = false;
};

struct Graph {
  std::filesystem::path file;     // for messages and resolving external data
  std::int64_t opset = 0;         // of the default domain
  std::vector<ValueInfo> inputs;  // excludes initializers
  std::vector<ValueInfo> outputs;
  std::map<std::string, at::Tensor> initializers;
  std::vector<onnx::NodeProto> nodes;  // topologically sorted
};

// Reads and parses `file`; IoError when missing, truncated or not ONNX.
onnx::ModelProto read_model_file(const std::filesystem::path& file);

// Checks opset, element types and wiring, reads initializers and sorts the
// nodes. Errors name `file` and the node/tensor at fault.
Graph build_graph(const onnx::ModelProto& model, const std::filesystem::path& file);

// ONNX's own type and shape inference over `sorted` (the graph's nodes in
// topological order), strict: an operand of the wrong type or a shape that
// cannot fit (a Conv weight of the wrong rank, a Reshape to an impossible
// size, ...) is a BackendError at load with ONNX's message, not a kernel
// error in the middle of a run.
void check_types_and_shapes(const onnx::ModelProto& model, const std::vector<onnx::NodeProto>& sorted,
                            const std::string& where);

inline Graph load_graph(const std::filesystem::path& file) { return build_graph(read_model_file(file), file); }

// "node #3 'conv1' (Conv)" for messages.
std::string describe_node(const onnx::NodeProto& node, std::size_t index);

}  // namespace kenning::onnx_exec
