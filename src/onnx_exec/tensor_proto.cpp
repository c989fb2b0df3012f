#include "onnx_exec/tensor_proto.h"

#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "kenning/core/error.h"

namespace kenning::onnx_exec {
namespace {

using TP = onnx::TensorProto;

std::vector<std::int64_t> dims_of(const TP& proto) { return {proto.dims().begin(), proto.dims().end()}; }

// Copies `count` typed values out of a repeated field into a new tensor.
template <class Field, class T>
at::Tensor from_field(const Field& field, std::vector<std::int64_t> dims, at::ScalarType type, std::int64_t count,
                      const std::string& where) {
  if (field.size() != count) {
    throw IoError(where + ": holds " + std::to_string(field.size()) + " values for " + std::to_string(count) +
                  " elements");
  }
  std::vector<T> values(field.begin(), field.end());
  at::Tensor wide = at::from_blob(values.data(), {count}, at::CppTypeToScalarType<T>::value);
  // int32_data carries float16 as raw bits; everything else converts by value.
  if (type == at::kHalf) {
    std::vector<std::uint16_t> bits(values.begin(), values.end());
    at::Tensor out = at::empty({count}, at::kHalf);
    std::memcpy(out.data_ptr(), bits.data(), bits.size() * 2);
    return out.reshape(dims);
  }
  return wide.to(type).clone().reshape(dims);
}

std::string read_external(const TP& proto, const std::filesystem::path& model_dir, const std::string& where) {
  std::string location;
  std::int64_t offset = 0;
  std::int64_t length = -1;
  // A malformed number is the model's fault: an IoError, not std::stoll's exception.
  auto number = [&](const std::string& key, const std::string& text) {
    std::int64_t v = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (err != std::errc() || end != text.data() + text.size() || v < 0) {
      throw IoError(where + ": external data " + key + " '" + text + "' is not a non-negative integer");
    }
    return v;
  };
  for (const auto& kv : proto.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = number("offset", kv.value());
    else if (kv.key() == "length")
      length = number("length", kv.value());
  }
  namespace fs = std::filesystem;
  const fs::path rel(location);
  if (location.empty() || rel.is_absolute()) {
    throw IoError(where + ": external data location '" + location + "' must be a path relative to the model's folder");
  }
  // Resolves symlinks and '..' so a crafted model cannot read outside its folder.
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(model_dir.empty() ? fs::path(".") : model_dir, ec);
  const fs::path file = fs::weakly_canonical(base / rel, ec);
  const auto [b, f] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (ec || b != base.end()) {
    throw IoError(where + ": external data location '" + location + "' leaves the model's folder '" + base.string() +
                  "'");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(where + ": cannot open external data file '" + file.string() + "'");
  in.seekg(0, std::ios::end);
  const std::int64_t size = in.tellg();
  if (offset > size) {
    throw IoError(where + ": external data file '" + file.string() + "' is too short");
  }
  if (length < 0) length = size - offset;
  if (length > size - offset) {
    throw IoError(where + ": external data file '" + file.string() + "' is too short");
  }
  std::string bytes(static_cast<std::size_t>(length), '\0');
  in.seekg(offset);
  in.read(bytes.data(), length);
  return bytes;
}

}  // namespace

at::ScalarType scalar_type_from_onnx(std::int32_t elem_type, const std::string& where) {
  switch (elem_type) {
    case TP::FLOAT:
      return at::kFloat;
    case TP::DOUBLE:
      return at::kDouble;
    case TP::FLOAT16:
      return at::kHalf;
    case TP::INT64:
      return at::kLong;
    case TP::INT32:
      return at::kInt;
    case TP::INT16:
      return at::kShort;
    case TP::INT8:
      return at::kChar;
    case TP::UINT8:
      return at::kByte;
    case TP::BOOL:
      return at::kBool;
    default:
      throw NotSupported(where + ": element type " + onnx_type_name(elem_type) + " is not supported");
  }
}

std::string onnx_type_name(std::int32_t elem_type) {
  if (TP::DataType_IsValid(elem_type)) {
    return TP::DataType_Name(static_cast<TP::DataType>(elem_type));
  }
  return "type#" + std::to_string(elem_type);
}

at::Tensor tensor_from_proto(const TP& proto, const std::filesystem::path& model_dir, const std::string& where_owner) {
  const std::string where = where_owner + ": tensor '" + proto.name() + "'";
  const at::ScalarType type = scalar_type_from_onnx(proto.data_type(), where);
  const std::vector<std::int64_t> dims = dims_of(proto);
  std::int64_t count = 1;
  for (std::int64_t d : dims) {
    if (d < 0) throw IoError(where + ": negative dimension " + std::to_string(d));
    // Bounded so a crafted shape can neither overflow nor ask for a huge buffer.
    if (d > 0 && count > (std::int64_t{1} << 40) / d) {
      throw IoError(where + ": shape of more than 2^40 elements");
    }
    count *= d;
  }
  const bool external = proto.data_location() == TP::EXTERNAL;
  if (external || proto.has_raw_data()) {
    const std::string bytes = external ? read_external(proto, model_dir, where) : proto.raw_data();
    const std::int64_t need = count * static_cast<std::int64_t>(c10::elementSize(type));
    if (static_cast<std::int64_t>(bytes.size()) != need) {
      throw IoError(where + ": holds " + std::to_string(bytes.size()) + " bytes, " + std::to_string(need) +
                    " expected");
    }
    at::Tensor out = at::empty(dims, type);
    if (need > 0) std::memcpy(out.data_ptr(), bytes.data(), bytes.size());
    return out;
  }
  switch (proto.data_type()) {
    case TP::FLOAT:
      return from_field<decltype(proto.float_data()), float>(proto.float_data(), dims, type, count, where);
    case TP::DOUBLE:
      return from_field<decltype(proto.double_data()), double>(proto.double_data(), dims, type, count, where);
    case TP::INT64:
      return from_field<decltype(proto.int64_data()), std::int64_t>(proto.int64_data(), dims, type, count, where);
    default:  // every narrower type lives in int32_data
      return from_field<decltype(proto.int32_data()), std::int32_t>(proto.int32_data(), dims, type, count, where);
  }
}

at::Tensor load_tensor_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open tensor file '" + file.string() + "'");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TP proto;
  if (!proto.ParseFromString(bytes)) {
    throw IoError(quoted(file) + " is not a serialized ONNX TensorProto");
  }
  return tensor_from_proto(proto, file.parent_path(), quoted(file));
}

at::ScalarType aten_dtype(DType d) {
  switch (d) {
    case DType::Float32:
      return at::kFloat;
    case DType::Float16:
      return at::kHalf;
    case DType::Int8:
      return at::kChar;
    case DType::UInt8:
      return at::kByte;
    case DType::Int32:
      return at::kInt;
    case DType::Int64:
      return at::kLong;
  }
  return at::kFloat;
}

at::Tensor aten_copy(const TensorView& t) {
  // from_blob borrows the bytes (and wants a mutable pointer; nothing writes
  // through it); the clone owns its copy.
  return at::from_blob(const_cast<std::byte*>(t.bytes().data()), t.shape(), aten_dtype(t.dtype())).clone();
}

}  // namespace kenning::onnx_exec
