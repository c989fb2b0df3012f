// Small helpers over libonnx's protobuf types for the ONNX optimizers:
// reading and writing initializer values, float16 conversion, and the
// checked, atomic save of a ModelProto.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "kenning/core/io_spec.h"

namespace kenning {

// True for nodes of ONNX's default domain ("" or "ai.onnx").
bool in_default_domain(const onnx::NodeProto& n);
// The attribute `name` of `n`, or null.
const onnx::AttributeProto* find_attribute(const onnx::NodeProto& n, const std::string& name);

// The values of a FLOAT tensor (raw_data or float_data); nullopt for other
// element types or external data.
std::optional<std::vector<float>> onnx_float_values(const onnx::TensorProto& t);
// The values of an INT64 tensor; nullopt otherwise.
std::optional<std::vector<std::int64_t>> onnx_int64_values(const onnx::TensorProto& t);
// Element count from dims.
std::int64_t onnx_element_count(const onnx::TensorProto& t);

// Replaces `t`'s contents by `values` (FLOAT, raw_data), keeping name and dims.
void set_onnx_float_values(onnx::TensorProto& t, const std::vector<float>& values);

// onnx::checker, strict shape inference (graph.value_info refilled), then a
// temporary file and a rename. BackendError / IoError name `path` and `cls`.
void save_onnx_model_checked(onnx::ModelProto& model, const std::filesystem::path& path, const std::string& cls);

// The input model of an ONNX optimizer, read and passed through
// onnx::checker: NotSupported for an op the checker does not know,
// BackendError for any other defect, IoError when unreadable; all name `cls`
// and `path`.
onnx::ModelProto load_checked_onnx_model(const std::filesystem::path& path, const std::string& cls);

// save_onnx_model_checked, then `spec` as the model's sidecar; when the
// sidecar cannot be written the model is removed again, so nothing
// half-written stays behind.
void save_compiled_onnx_model(onnx::ModelProto& model, const IOSpec& spec, const std::filesystem::path& path,
                              const std::string& cls);

}  // namespace kenning
