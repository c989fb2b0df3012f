#include "kenning/core/dtype.h"

#include <string>

#include "kenning/core/error.h"

namespace kenning {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return 4;
    case DType::Float16:
      return 2;
    case DType::Int8:
      return 1;
    case DType::UInt8:
      return 1;
    case DType::Int32:
      return 4;
    case DType::Int64:
      return 8;
  }
  return 0;
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "float32";
    case DType::Float16:
      return "float16";
    case DType::Int8:
      return "int8";
    case DType::UInt8:
      return "uint8";
    case DType::Int32:
      return "int32";
    case DType::Int64:
      return "int64";
  }
  return "unknown";
}

DType parse_dtype(std::string_view name, std::string_view where) {
  for (DType d : {DType::Float32, DType::Float16, DType::Int8, DType::UInt8, DType::Int32, DType::Int64}) {
    if (dtype_name(d) == name) return d;
  }
  throw ConfigError(std::string(where) + ": unknown dtype '" + std::string(name) +
                    "', expected one of float32, float16, int8, uint8, int32, int64");
}

}  // namespace kenning
