// I/O specification of a model: what tensors go in and come out, saved as a
// JSON sidecar next to every model file (`model.onnx` -> `model.onnx.json`).
// The JSON shape is upstream Kenning's: lists `input`, `processed_input`,
// `output`, `processed_output` of entries with `name`, `shape` (-1 = any
// size), `dtype`, and optionally `order`, `scale`, `zero_point`,
// `prequantized_dtype`, `mean`, `std`, `class_name`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/dtype.h"
#include "kenning/core/tensor.h"

namespace kenning {

struct TensorSpec {
  std::string name;
  Shape shape;  // -1 marks a dimension of any size
  DType dtype = DType::Float32;
  std::optional<int> order;  // position in the model's argument list
  std::optional<double> scale;
  std::optional<std::int64_t> zero_point;
  std::optional<DType> prequantized_dtype;
  std::vector<double> mean;
  std::vector<double> std;
  std::vector<std::string> class_name;  // labels of a classifier output

  // True when `shape` matches this spec (same rank, -1 matches anything).
  bool accepts_shape(const Shape& shape) const;
};

struct IOSpec {
  std::vector<TensorSpec> input;
  std::vector<TensorSpec> processed_input;
  std::vector<TensorSpec> output;
  std::vector<TensorSpec> processed_output;

  nlohmann::json to_json() const;
  // Throws ConfigError naming `where` and the offending list/entry/key.
  static IOSpec from_json(const nlohmann::json& j, const std::string& where);

  // What the runtime feeds the model: processed_input when present, else input.
  const std::vector<TensorSpec>& model_inputs() const;
  const std::vector<TensorSpec>& model_outputs() const;
};

// `model.onnx` -> `model.onnx.json`.
std::filesystem::path io_spec_path(const std::filesystem::path& model_path);
// Writes the sidecar atomically (temporary file, then rename).
void save_io_spec(const IOSpec& spec, const std::filesystem::path& model_path);
// Reads the sidecar; throws IoError when missing or malformed.
IOSpec load_io_spec(const std::filesystem::path& model_path);

// Checks that `inputs` match `specs` in count, dtype and shape; throws
// ConfigError naming the input and both shapes otherwise.
void check_inputs_against_spec(std::span<const TensorView> inputs, const std::vector<TensorSpec>& specs);

}  // namespace kenning
