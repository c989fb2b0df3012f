// Tensors: contiguous, row-major buffers with a dtype and a shape.
//
// Ownership rules:
//  * Tensor owns its bytes and is move-only; copy explicitly with clone().
//  * TensorView borrows bytes owned elsewhere; it must not outlive the owner.
//    Views go into runtimes, owned tensors come out of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/dtype.h"

namespace kenning {

using Shape = std::vector<std::int64_t>;

// Number of elements of a shape (1 for a scalar); throws ConfigError on a
// negative dimension.
std::int64_t shape_numel(const Shape& shape);
// "[1, 28, 28]"
std::string shape_to_string(const Shape& shape);

class TensorView {
 public:
  TensorView() = default;
  TensorView(DType dtype, Shape shape, std::span<const std::byte> bytes);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::int64_t numel() const { return shape_numel(shape_); }
  std::span<const std::byte> bytes() const { return bytes_; }
  template <class T>
  std::span<const T> data() const;

 private:
  DType dtype_ = DType::Float32;
  Shape shape_;
  std::span<const std::byte> bytes_;
};

class Tensor {
 public:
  Tensor() = default;
  // Zero-initialised tensor.
  Tensor(DType dtype, Shape shape);
  // Copies `values`; their count must match the shape.
  template <class T>
  static Tensor from(Shape shape, std::span<const T> values);

  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  Tensor clone() const;
  TensorView view() const { return TensorView(dtype_, shape_, storage_); }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::int64_t numel() const { return shape_numel(shape_); }
  std::size_t nbytes() const { return storage_.size(); }
  std::span<std::byte> bytes() { return storage_; }
  std::span<const std::byte> bytes() const { return storage_; }
  template <class T>
  std::span<T> data();
  template <class T>
  std::span<const T> data() const;

  // Changes the shape without touching the data; element counts must match.
  void reshape(Shape shape);

 private:
  DType dtype_ = DType::Float32;
  Shape shape_;
  std::vector<std::byte> storage_;
};

// Throws ConfigError when the dtype of the tensor does not match T.
void check_dtype(DType actual, DType expected, const char* what);
// Throws ConfigError: `count` values cannot fill `shape`.
[[noreturn]] void throw_count_mismatch(const Shape& shape, std::size_t count);

template <class T>
std::span<const T> TensorView::data() const {
  check_dtype(dtype_, dtype_of<T>(), "TensorView::data");
  return {reinterpret_cast<const T*>(bytes_.data()), bytes_.size() / sizeof(T)};
}

template <class T>
std::span<T> Tensor::data() {
  check_dtype(dtype_, dtype_of<T>(), "Tensor::data");
  return {reinterpret_cast<T*>(storage_.data()), storage_.size() / sizeof(T)};
}

template <class T>
std::span<const T> Tensor::data() const {
  check_dtype(dtype_, dtype_of<T>(), "Tensor::data");
  return {reinterpret_cast<const T*>(storage_.data()), storage_.size() / sizeof(T)};
}

template <class T>
Tensor Tensor::from(Shape shape, std::span<const T> values) {
  Tensor t(dtype_of<T>(), std::move(shape));
  if (static_cast<std::size_t>(t.numel()) != values.size()) {
    throw_count_mismatch(t.shape(), values.size());
  }
  auto out = t.data<T>();
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i];
  return t;
}

}  // namespace kenning
