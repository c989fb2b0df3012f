#include "kenning/core/tensor.h"

#include <string>

#include "kenning/core/error.h"

namespace kenning {

std::int64_t shape_numel(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw ConfigError("tensor shape " + shape_to_string(shape) + " has a negative dimension");
    n *= d;
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

TensorView::TensorView(DType dtype, Shape shape, std::span<const std::byte> bytes)
    : dtype_(dtype), shape_(std::move(shape)), bytes_(bytes) {
  const auto expected = static_cast<std::size_t>(shape_numel(shape_)) * dtype_size(dtype_);
  if (expected != bytes_.size()) {
    throw ConfigError("tensor view of shape " + shape_to_string(shape_) + " " + std::string(dtype_name(dtype_)) +
                      " needs " + std::to_string(expected) + " bytes, got " + std::to_string(bytes_.size()));
  }
}

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype),
      shape_(std::move(shape)),
      storage_(static_cast<std::size_t>(shape_numel(shape_)) * dtype_size(dtype)) {}

Tensor Tensor::clone() const {
  Tensor t(dtype_, shape_);
  t.storage_ = storage_;
  return t;
}

void Tensor::reshape(Shape shape) {
  if (shape_numel(shape) != numel()) {
    throw ConfigError("cannot reshape tensor " + shape_to_string(shape_) + " to " + shape_to_string(shape));
  }
  shape_ = std::move(shape);
}

void check_dtype(DType actual, DType expected, const char* what) {
  if (actual != expected) {
    throw ConfigError(std::string(what) + ": tensor holds " + std::string(dtype_name(actual)) + ", accessed as " +
                      std::string(dtype_name(expected)));
  }
}

void throw_count_mismatch(const Shape& shape, std::size_t count) {
  throw ConfigError("tensor of shape " + shape_to_string(shape) + " needs " + std::to_string(shape_numel(shape)) +
                    " values, got " + std::to_string(count));
}

}  // namespace kenning
