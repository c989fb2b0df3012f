// Element types of tensors, with the names upstream Kenning's I/O
// specifications use ("float32", "int8", ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kenning {

enum class DType : std::uint8_t { Float32, Float16, Int8, UInt8, Int32, Int64 };

// Bytes per element.
std::size_t dtype_size(DType dtype);

// "float32", "float16", "int8", "uint8", "int32", "int64".
std::string_view dtype_name(DType dtype);

// Inverse of dtype_name; throws ConfigError naming `where` on an unknown name.
DType parse_dtype(std::string_view name, std::string_view where = "dtype");

// Maps a C++ element type to its DType at compile time.
template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::Float32;
}
template <>
constexpr DType dtype_of<std::int8_t>() {
  return DType::Int8;
}
template <>
constexpr DType dtype_of<std::uint8_t>() {
  return DType::UInt8;
}
template <>
constexpr DType dtype_of<std::int32_t>() {
  return DType::Int32;
}
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::Int64;
}

}  // namespace kenning
