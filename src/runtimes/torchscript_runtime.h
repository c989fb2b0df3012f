// PyTorchRuntime: runs TorchScript models (torch::jit::save archives, `.ts`)
// with libtorch's torch::jit::load, in eval mode under c10::InferenceMode.
//
// libtorch types stay out of this header (they live in State) so the registry
// and other callers compile without torch's headers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/runtime.h"

namespace kenning {

class PyTorchRuntime : public Runtime {
 public:
  static constexpr const char* kDescription = "Runs TorchScript models with libtorch (torch::jit::load)";

  struct Params {
    std::filesystem::path save_model_path;
    std::int64_t num_threads = -1;
    // torch::jit::freeze + optimize_for_inference at load: weights become
    // constants, Conv+BatchNorm fold, convolutions move to oneDNN.
    bool optimize = true;
  };
  static const ParamSchema<Params>& schema();

  explicit PyTorchRuntime(const Params& params);
  ~PyTorchRuntime() override;
  PyTorchRuntime(const PyTorchRuntime&) = delete;
  PyTorchRuntime& operator=(const PyTorchRuntime&) = delete;

  std::vector<std::string> input_formats() const override { return {"torchscript"}; }
  std::filesystem::path save_model_path() const override { return params_.save_model_path; }
  std::string framework() const override { return "libtorch"; }
  std::string framework_version() const override;

  // IoError naming the file when it is missing, not a TorchScript archive or
  // a damaged one,
  // BackendError when libtorch cannot load it or it has no usable forward(),
  // ConfigError when forward() takes another number of inputs than the spec.
  void prepare_model(const std::filesystem::path& model, const IOSpec& spec) override;
  // Checks count, dtype and shape (-1 matches any size) against the spec and
  // copies the inputs into torch tensors.
  void load_input(std::span<const TensorView> inputs) override;
  void run() override;
  // The outputs of forward(): one tensor, or the tensors of a tuple/list.
  std::vector<Tensor> extract_output() override;

 private:
  struct State;
  Params params_;
  std::unique_ptr<State> state_;
};

}  // namespace kenning
