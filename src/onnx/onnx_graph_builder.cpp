#include "onnx/onnx_graph_builder.h"

#include <fstream>
#include <set>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/file_io.h"

namespace kenning {

namespace {

onnx::TensorProto_DataType onnx_type(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return onnx::TensorProto_DataType_FLOAT;
    case DType::Float16:
      return onnx::TensorProto_DataType_FLOAT16;
    case DType::Int8:
      return onnx::TensorProto_DataType_INT8;
    case DType::UInt8:
      return onnx::TensorProto_DataType_UINT8;
    case DType::Int32:
      return onnx::TensorProto_DataType_INT32;
    case DType::Int64:
      return onnx::TensorProto_DataType_INT64;
  }
  throw BackendError("ONNX: unsupported dtype");
}

void set_value_info(onnx::ValueInfoProto* info, const std::string& name, DType dtype, const Shape& dims) {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx_type(dtype));
  auto* shape = tensor->mutable_shape();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    auto* dim = shape->add_dim();
    if (dims[i] == -1) {
      dim->set_dim_param(i == 0 ? "batch" : "dim" + std::to_string(i));
    } else if (dims[i] < 0) {
      throw BackendError("ONNX value '" + name + "': invalid dimension " + std::to_string(dims[i]) + " in " +
                         shape_to_string(dims));
    } else {
      dim->set_dim_value(dims[i]);
    }
  }
}

void set_attribute(onnx::AttributeProto* a, const std::string& name, const OnnxAttribute& value) {
  a->set_name(name);
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(*i);
  } else if (const auto* is = std::get_if<std::vector<std::int64_t>>(&value)) {
    a->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (std::int64_t v : *is) a->add_ints(v);
  } else if (const auto* f = std::get_if<float>(&value)) {
    a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
    a->set_f(*f);
  } else if (const auto* fs = std::get_if<std::vector<float>>(&value)) {
    a->set_type(onnx::AttributeProto_AttributeType_FLOATS);
    for (float v : *fs) a->add_floats(v);
  } else {
    a->set_type(onnx::AttributeProto_AttributeType_STRING);
    a->set_s(std::get<std::string>(value));
  }
}

}  // namespace

struct OnnxGraphBuilder::Impl {
  onnx::ModelProto model;
  std::set<std::string> initializer_names;

  onnx::TensorProto* new_initializer(const std::string& name, DType dtype, const Shape& shape, std::size_t count) {
    if (!initializer_names.insert(name).second) {
      throw BackendError("ONNX initializer '" + name + "' is defined twice");
    }
    std::int64_t expected = 1;
    for (std::int64_t d : shape) {
      if (d < 0) throw BackendError("ONNX initializer '" + name + "': negative dimension in " + shape_to_string(shape));
      expected *= d;
    }
    if (static_cast<std::size_t>(expected) != count) {
      throw BackendError("ONNX initializer '" + name + "': " + std::to_string(count) + " values do not fill shape " +
                         shape_to_string(shape));
    }
    onnx::TensorProto* t = model.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx_type(dtype));
    for (std::int64_t d : shape) t->add_dims(d);
    return t;
  }
};

OnnxGraphBuilder::OnnxGraphBuilder(std::string graph_name, std::int64_t opset) : impl_(std::make_unique<Impl>()) {
  onnx::ModelProto& m = impl_->model;
  m.set_ir_version(onnx::IR_VERSION);
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  m.mutable_graph()->set_name(std::move(graph_name));
  set_producer("kenning-cpp", KENNING_VERSION);
}

OnnxGraphBuilder::~OnnxGraphBuilder() = default;
OnnxGraphBuilder::OnnxGraphBuilder(OnnxGraphBuilder&&) noexcept = default;
OnnxGraphBuilder& OnnxGraphBuilder::operator=(OnnxGraphBuilder&&) noexcept = default;

void OnnxGraphBuilder::set_producer(const std::string& name, const std::string& version) {
  impl_->model.set_producer_name(name);
  impl_->model.set_producer_version(version);
}

void OnnxGraphBuilder::add_initializer(const std::string& name, std::span<const float> values, const Shape& shape) {
  onnx::TensorProto* t = impl_->new_initializer(name, DType::Float32, shape, values.size());
  // raw_data is compact and what exporters (and OpenCV's importer) expect.
  t->set_raw_data(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void OnnxGraphBuilder::add_initializer(const std::string& name, std::span<const std::int64_t> values,
                                       const Shape& shape) {
  onnx::TensorProto* t = impl_->new_initializer(name, DType::Int64, shape, values.size());
  t->set_raw_data(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void OnnxGraphBuilder::add_initializer(const std::string& name, std::span<const std::uint8_t> values,
                                       const Shape& shape) {
  onnx::TensorProto* t = impl_->new_initializer(name, DType::UInt8, shape, values.size());
  t->set_raw_data(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void OnnxGraphBuilder::add_initializer(const std::string& name, std::span<const std::int8_t> values,
                                       const Shape& shape) {
  onnx::TensorProto* t = impl_->new_initializer(name, DType::Int8, shape, values.size());
  t->set_raw_data(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void OnnxGraphBuilder::add_initializer(const std::string& name, std::span<const std::int32_t> values,
                                       const Shape& shape) {
  onnx::TensorProto* t = impl_->new_initializer(name, DType::Int32, shape, values.size());
  t->set_raw_data(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void OnnxGraphBuilder::add_input(const std::string& name, DType dtype, const Shape& dims) {
  set_value_info(impl_->model.mutable_graph()->add_input(), name, dtype, dims);
}

void OnnxGraphBuilder::add_output(const std::string& name, DType dtype, const Shape& dims) {
  set_value_info(impl_->model.mutable_graph()->add_output(), name, dtype, dims);
}

void OnnxGraphBuilder::add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                                const std::vector<std::string>& outputs, const OnnxAttributes& attributes,
                                const std::string& name) {
  onnx::GraphProto* g = impl_->model.mutable_graph();
  onnx::NodeProto* node = g->add_node();
  node->set_op_type(op_type);
  node->set_name(name.empty() ? op_type + "_" + std::to_string(g->node_size() - 1) : name);
  for (const auto& i : inputs) node->add_input(i);
  for (const auto& o : outputs) node->add_output(o);
  for (const auto& [key, value] : attributes) set_attribute(node->add_attribute(), key, value);
}

void OnnxGraphBuilder::check() const {
  try {
    onnx::checker::check_model(impl_->model);
  } catch (const std::exception& e) {
    throw BackendError(std::string("ONNX checker rejected graph '") + impl_->model.graph().name() + "': " + e.what());
  }
}

void OnnxGraphBuilder::infer_shapes() {
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/true, /*error_mode=*/1);
    onnx::shape_inference::InferShapes(impl_->model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    throw BackendError(std::string("ONNX shape inference failed on graph '") + impl_->model.graph().name() +
                       "': " + e.what());
  }
}

void OnnxGraphBuilder::save(const std::filesystem::path& path) {
  try {
    check();
    infer_shapes();
  } catch (const BackendError& e) {
    throw BackendError(path.string() + ": " + e.what());
  }
  write_file_atomically(path, serialize());
}

std::string OnnxGraphBuilder::serialize() const {
  std::string bytes;
  if (!impl_->model.SerializeToString(&bytes)) {
    throw BackendError("ONNX graph '" + impl_->model.graph().name() + "' could not be serialized");
  }
  return bytes;
}

const onnx::ModelProto& OnnxGraphBuilder::model() const { return impl_->model; }

onnx::ModelProto load_onnx_model(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open ONNX model");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) {
    throw IoError(path.string() + ": not a valid ONNX model (protobuf parse failed)");
  }
  return model;
}

}  // namespace kenning
