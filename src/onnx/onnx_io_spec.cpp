#include "onnx/onnx_io_spec.h"

#include <set>

#include <onnx/onnx_pb.h>

#include "kenning/core/error.h"
#include "onnx/onnx_graph_builder.h"

namespace kenning {

namespace {

DType dtype_of_onnx(int elem_type, const std::string& where) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
      return DType::Float32;
    case onnx::TensorProto::FLOAT16:
      return DType::Float16;
    case onnx::TensorProto::INT8:
      return DType::Int8;
    case onnx::TensorProto::UINT8:
      return DType::UInt8;
    case onnx::TensorProto::INT32:
      return DType::Int32;
    case onnx::TensorProto::INT64:
      return DType::Int64;
    default:
      throw NotSupported(where + " has ONNX element type " +
                         onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(elem_type)) +
                         "; supported: FLOAT, FLOAT16, INT8, UINT8, INT32, INT64");
  }
}

TensorSpec spec_of(const onnx::ValueInfoProto& value, int order, const std::string& where) {
  if (!value.type().has_tensor_type()) throw NotSupported(where + " '" + value.name() + "' is not a tensor");
  const auto& tensor = value.type().tensor_type();
  TensorSpec spec;
  spec.name = value.name();
  spec.order = order;
  spec.dtype = dtype_of_onnx(tensor.elem_type(), where + " '" + value.name() + "'");
  for (const auto& dim : tensor.shape().dim()) {
    spec.shape.push_back(dim.has_dim_value() && dim.dim_value() > 0 ? dim.dim_value() : -1);
  }
  return spec;
}

}  // namespace

IOSpec io_spec_from_onnx(const std::filesystem::path& path) {
  const onnx::ModelProto model = load_onnx_model(path);
  const auto& graph = model.graph();
  std::set<std::string> initializers;
  for (const auto& init : graph.initializer()) initializers.insert(init.name());
  IOSpec spec;
  const std::string where = path.string() + ": input";
  int order = 0;
  for (const auto& in : graph.input()) {
    if (!initializers.count(in.name())) spec.input.push_back(spec_of(in, order++, where));
  }
  order = 0;
  for (const auto& out : graph.output()) spec.output.push_back(spec_of(out, order++, path.string() + ": output"));
  if (spec.input.empty() || spec.output.empty()) {
    throw IoError(path.string() + ": the ONNX graph declares no " + (spec.input.empty() ? "inputs" : "outputs"));
  }
  return spec;
}

IOSpec load_or_derive_onnx_io_spec(const std::filesystem::path& path) {
  if (std::filesystem::exists(io_spec_path(path))) return load_io_spec(path);
  return io_spec_from_onnx(path);
}

}  // namespace kenning
