// ONNXGraphOptimizer ("onnx_graph_optimizer"): graph passes on an ONNX model,
// ONNX in, ONNX out:
//  * fold BatchNormalization into the Conv (or Gemm with constant B) before it;
//  * remove Identity and inference-mode Dropout (graph output names kept);
//  * constant folding: Constant nodes become initializers, Reshape / Shape of
//    initializers are evaluated, and (built with libtorch) any other node
//    whose inputs are all constants is run once by our executor's kernels
//    (constant_evaluation.h);
//  * drop initializers nothing reads.
// The result is checked (onnx::checker, strict shape inference) and written
// atomically, with its I/O sidecar.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/optimizer.h"
#include "optimizers/optimizer_common.h"

namespace onnx {
class ModelProto;
}

namespace kenning {

class ONNXGraphOptimizer : public Optimizer {
 public:
  static constexpr const char* kDescription =
      "ONNX graph passes: BatchNormalization folding, Identity/Dropout removal, constant "
      "folding, unused initializer removal";

  struct Params {
    std::filesystem::path compiled_model_path;
    OptimizerLocation location = OptimizerLocation::Host;
    bool fold_batchnorm = true;
    bool remove_identity = true;
    bool fold_constants = true;
    bool remove_unused_initializers = true;
  };
  static const ParamSchema<Params>& schema();

  // ConfigError for values outside the declaration (schema().check).
  explicit ONNXGraphOptimizer(const Params& params);

  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::vector<std::string> output_formats() const override { return {"onnx"}; }
  std::filesystem::path compiled_model_path() const override { return params_.compiled_model_path; }
  OptimizerLocation location() const override { return params_.location; }
  std::string framework() const override { return "onnx"; }
  std::string framework_version() const override;

  IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                 const CalibrationData* calibration) override;

  // The passes alone, on a model in memory (what compile() runs).
  void optimize(onnx::ModelProto& model) const;

  const OptimizerReport& last_report() const { return report_; }
  nlohmann::json compile_report() const override { return report_to_json(report_); }

 private:
  Params params_;
  OptimizerReport report_;
};

}  // namespace kenning
