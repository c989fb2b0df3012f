// OnnxGraphBuilder: writes an ONNX model one node at a time, then checks it
// (onnx::checker), runs shape inference and saves it atomically.
//
//   OnnxGraphBuilder b("cnn");                      // opset 13, producer kenning-cpp
//   b.add_input("input", DType::Float32, {-1, 1, 28, 28});   // -1 -> "batch"
//   b.add_initializer("w", weights, {10, 784});
//   b.add_node("Gemm", {"x", "w", "b"}, {"output"}, {{"transB", std::int64_t{1}}});
//   b.add_output("output", DType::Float32, {-1, 10});
//   b.save("model.onnx");
//
// Only available when built with KENNING_WITH_ONNX. The protobuf types stay
// out of this header: include <onnx/onnx_pb.h> to read model().
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kenning/core/dtype.h"
#include "kenning/core/tensor.h"

namespace onnx {
class ModelProto;
}

namespace kenning {

// A node attribute: int, int list, float, float list or string.
using OnnxAttribute = std::variant<std::int64_t, std::vector<std::int64_t>, float, std::vector<float>, std::string>;
using OnnxAttributes = std::vector<std::pair<std::string, OnnxAttribute>>;

class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(std::string graph_name, std::int64_t opset = 13);
  ~OnnxGraphBuilder();
  OnnxGraphBuilder(OnnxGraphBuilder&&) noexcept;
  OnnxGraphBuilder& operator=(OnnxGraphBuilder&&) noexcept;
  OnnxGraphBuilder(const OnnxGraphBuilder&) = delete;
  OnnxGraphBuilder& operator=(const OnnxGraphBuilder&) = delete;

  // Defaults: "kenning-cpp" and KENNING_VERSION.
  void set_producer(const std::string& name, const std::string& version);

  // Constant tensors. Throw BackendError when the value count does not fill
  // `shape` or the name is already used.
  void add_initializer(const std::string& name, std::span<const float> values, const Shape& shape);
  void add_initializer(const std::string& name, std::span<const std::int64_t> values, const Shape& shape);
  // Quantized weights, zero points and int32 biases (QLinearConv's B).
  void add_initializer(const std::string& name, std::span<const std::uint8_t> values, const Shape& shape);
  void add_initializer(const std::string& name, std::span<const std::int8_t> values, const Shape& shape);
  void add_initializer(const std::string& name, std::span<const std::int32_t> values, const Shape& shape);

  // Graph inputs/outputs. A -1 dimension becomes symbolic: "batch" for the
  // first dimension, "dim<i>" for others.
  void add_input(const std::string& name, DType dtype, const Shape& dims);
  void add_output(const std::string& name, DType dtype, const Shape& dims);

  // Appends a node (nodes must be added in topological order). An empty
  // `name` becomes "<op_type>_<index>".
  void add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                const std::vector<std::string>& outputs, const OnnxAttributes& attributes = {},
                const std::string& name = "");

  // onnx::checker::check_model; throws BackendError with the checker's message.
  void check() const;
  // Strict shape inference (type and node errors throw BackendError); fills
  // graph.value_info with the inferred intermediate shapes.
  void infer_shapes();
  // check(), infer_shapes(), then writes the serialized model through a
  // temporary file and a rename. Errors name `path`: BackendError for an
  // invalid graph, IoError when it cannot be written.
  void save(const std::filesystem::path& path);

  std::string serialize() const;
  const onnx::ModelProto& model() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads an ONNX file; throws IoError naming `path` when it is missing or not
// a parsable ModelProto.
onnx::ModelProto load_onnx_model(const std::filesystem::path& path);

}  // namespace kenning
