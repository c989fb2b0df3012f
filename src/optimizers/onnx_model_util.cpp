#include "optimizers/onnx_model_util.h"

#include <cstring>

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "onnx/onnx_graph_builder.h"

namespace kenning {

bool in_default_domain(const onnx::NodeProto& n) { return n.domain().empty() || n.domain() == "ai.onnx"; }

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

namespace {
bool is_external(const onnx::TensorProto& t) { return t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL; }
}  // namespace

std::int64_t onnx_element_count(const onnx::TensorProto& t) {
  std::int64_t n = 1;
  for (auto d : t.dims()) n *= d;
  return n;
}

std::optional<std::vector<float>> onnx_float_values(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto_DataType_FLOAT || is_external(t)) return std::nullopt;
  const auto n = static_cast<std::size_t>(onnx_element_count(t));
  std::vector<float> v(n);
  if (t.has_raw_data()) {
    if (t.raw_data().size() != n * sizeof(float)) return std::nullopt;
    std::memcpy(v.data(), t.raw_data().data(), n * sizeof(float));
  } else {
    if (static_cast<std::size_t>(t.float_data_size()) != n) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) v[i] = t.float_data(static_cast<int>(i));
  }
  return v;
}

std::optional<std::vector<std::int64_t>> onnx_int64_values(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto_DataType_INT64 || is_external(t)) return std::nullopt;
  const auto n = static_cast<std::size_t>(onnx_element_count(t));
  std::vector<std::int64_t> v(n);
  if (t.has_raw_data()) {
    if (t.raw_data().size() != n * sizeof(std::int64_t)) return std::nullopt;
    std::memcpy(v.data(), t.raw_data().data(), n * sizeof(std::int64_t));
  } else {
    if (static_cast<std::size_t>(t.int64_data_size()) != n) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) v[i] = t.int64_data(static_cast<int>(i));
  }
  return v;
}

void set_onnx_float_values(onnx::TensorProto& t, const std::vector<float>& values) {
  t.clear_float_data();
  t.clear_raw_data();
  t.set_data_type(onnx::TensorProto_DataType_FLOAT);
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
}

void save_onnx_model_checked(onnx::ModelProto& model, const std::filesystem::path& path, const std::string& cls) {
  model.mutable_graph()->clear_value_info();
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw BackendError(cls + ": ONNX checker rejected the optimized model for '" + path.string() + "': " + e.what());
  }
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/true, /*error_mode=*/1);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    throw BackendError(cls + ": ONNX shape inference failed on the optimized model for '" + path.string() +
                       "': " + e.what());
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    throw BackendError(cls + ": the optimized model for '" + path.string() + "' could not be serialized");
  }
  write_file_atomically(path, bytes);
}

onnx::ModelProto load_checked_onnx_model(const std::filesystem::path& path, const std::string& cls) {
  onnx::ModelProto model = load_onnx_model(path);
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    const std::string msg = cls + ": input model '" + path.string() + "': " + what;
    if (what.find("No Op registered") != std::string::npos) throw NotSupported(msg);
    throw BackendError(msg);
  }
  return model;
}

void save_compiled_onnx_model(onnx::ModelProto& model, const IOSpec& spec, const std::filesystem::path& path,
                              const std::string& cls) {
  save_onnx_model_checked(model, path, cls);
  try {
    save_io_spec(spec, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    throw;
  }
}

}  // namespace kenning
