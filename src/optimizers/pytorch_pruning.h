// PyTorchMagnitudePruner ("magnitude_pruning"): global magnitude pruning of
// the project's libtorch Fashion-MNIST CNN, then fine-tuning on the
// dataset's train split with the pruned weights held at zero, exported to
// ONNX. Reads the CNN's weights (.pt, format "torch"), writes
// compiled_model_path (.onnx) plus its sidecar, and keeps the pruned weights
// beside it (same name, .pt).
//
// The ONNX file stays dense (same size, same speed in a dense runtime); what
// pruning buys shows in the compressed size, which the report gives for the
// model before and after.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/optimizer.h"
#include "optimizers/optimizer_common.h"

namespace kenning {

class PyTorchMagnitudePruner : public Optimizer {
 public:
  static constexpr const char* kDescription =
      "Global magnitude pruning of the Fashion-MNIST CNN's weights with fine-tuning, exported to ONNX";

  struct Params {
    std::filesystem::path compiled_model_path;
    OptimizerLocation location = OptimizerLocation::Host;
    double sparsity = 0.5;
    std::int64_t epochs = 1;
    double learning_rate = 1e-4;
    std::int64_t batch_size = 64;
    std::int64_t seed = 42;
    std::int64_t num_threads = 0;
  };
  static const ParamSchema<Params>& schema();

  explicit PyTorchMagnitudePruner(const Params& params);

  std::vector<std::string> input_formats() const override { return {"torch"}; }
  std::vector<std::string> output_formats() const override { return {"onnx"}; }
  std::filesystem::path compiled_model_path() const override { return params_.compiled_model_path; }
  OptimizerLocation location() const override { return params_.location; }
  std::string framework() const override { return "pytorch"; }
  std::string framework_version() const override;

  IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                 const CalibrationData* calibration) override;

  nlohmann::json compile_report() const override { return report_; }
  // ConfigError when there is no dataset, or an empty train split to fine-tune on.
  void check_calibration(const CalibrationData* calibration) const override;

  // Where the pruned weights are kept: compiled_model_path with ".pt".
  std::filesystem::path pruned_weights_path() const;

 private:
  Params params_;
  nlohmann::json report_ = nlohmann::json::object();
};

}  // namespace kenning
