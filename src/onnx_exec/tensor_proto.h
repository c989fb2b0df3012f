// Conversions between ONNX's TensorProto / element types and ATen tensors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

#include "kenning/core/tensor.h"

namespace kenning::onnx_exec {

// ONNX element type (TensorProto::DataType) -> ATen dtype; throws
// NotSupported naming `where` for types we do not run (string, bfloat16,
// complex, float8...).
at::ScalarType scalar_type_from_onnx(std::int32_t elem_type, const std::string& where);
// "FLOAT", "INT64", ... for messages.
std::string onnx_type_name(std::int32_t elem_type);

// Reads a TensorProto (raw_data, typed fields, or external data resolved
// against `model_dir`, which it must not leave). `where` names the tensor's
// owner (file, node) in errors.
at::Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::filesystem::path& model_dir,
                             const std::string& where);

// kenning's DType -> ATen dtype.
at::ScalarType aten_dtype(DType d);
// An ATen tensor holding a copy of `t`'s values (nothing borrowed outlives
// the call).
at::Tensor aten_copy(const TensorView& t);

// "'path'" for messages (built by appending: GCC 12 warns falsely on "'" + s).
inline std::string quoted(const std::filesystem::path& p) {
  std::string s(1, '\'');
  s += p.string();
  s += '\'';
  return s;
}

// Reads a serialized TensorProto file (the conformance suite's *.pb).
at::Tensor load_tensor_file(const std::filesystem::path& file);

}  // namespace kenning::onnx_exec
