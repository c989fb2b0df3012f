// Runtime family: loads a compiled model and runs inference on it.
//
// Call order: prepare_model once, then per batch load_input -> run ->
// extract_output. Inputs are borrowed only for the duration of load_input.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"

namespace kenning {

class Runtime : public Plugin {
 public:
  // Model formats this runtime loads ("onnx", ...).
  virtual std::vector<std::string> input_formats() const = 0;
  // Model file named in the scenario's runtime block; empty means "the model
  // the pipeline produced" (last optimizer's output or the wrapper's model).
  virtual std::filesystem::path save_model_path() const = 0;
  virtual std::string framework() const = 0;
  virtual std::string framework_version() const = 0;

  // Loads `model`; throws IoError/BackendError naming the file when it cannot.
  virtual void prepare_model(const std::filesystem::path& model, const IOSpec& spec) = 0;
  // Copies or binds the inputs for the next run(); checks them against the spec.
  virtual void load_input(std::span<const TensorView> inputs) = 0;
  // Runs inference; this call alone is what target_inference_step times.
  virtual void run() = 0;
  virtual std::vector<Tensor> extract_output() = 0;
};

}  // namespace kenning
