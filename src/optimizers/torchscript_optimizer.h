// TorchScriptOptimizer ("torchscript_optimizer"): loads a TorchScript archive,
// puts it in eval mode, freezes it (weights become constants) and runs
// libtorch's optimize_for_inference (Conv+BatchNorm folding, oneDNN layouts),
// then saves it atomically with the input's I/O sidecar.
//
// libtorch types stay out of this header so the registry compiles without them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/optimizer.h"
#include "optimizers/optimizer_common.h"

namespace kenning {

class TorchScriptOptimizer : public Optimizer {
 public:
  static constexpr const char* kDescription =
      "Freezes a TorchScript model and runs libtorch's optimize_for_inference on it";

  struct Params {
    std::filesystem::path compiled_model_path;
    OptimizerLocation location = OptimizerLocation::Host;
    bool optimize_for_inference = true;
  };
  static const ParamSchema<Params>& schema();

  // ConfigError for values outside the declaration (schema().check).
  explicit TorchScriptOptimizer(const Params& params);

  std::vector<std::string> input_formats() const override { return {"torchscript"}; }
  std::vector<std::string> output_formats() const override { return {"torchscript"}; }
  std::filesystem::path compiled_model_path() const override { return params_.compiled_model_path; }
  OptimizerLocation location() const override { return params_.location; }
  std::string framework() const override { return "libtorch"; }
  std::string framework_version() const override;

  // IoError naming the file when the input is missing or no TorchScript
  // archive, BackendError when libtorch refuses to load, freeze or save it.
  IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                 const CalibrationData* calibration) override;

  const OptimizerReport& last_report() const { return report_; }
  nlohmann::json compile_report() const override { return report_to_json(report_); }

 private:
  Params params_;
  OptimizerReport report_;
};

}  // namespace kenning
