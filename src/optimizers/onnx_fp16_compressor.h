// ONNXFloat16Compressor ("onnx_fp16"): stores float32 initializers (weights)
// as float16 and casts each back to float32 with a Cast node, so the graph's
// inputs, outputs and arithmetic stay float32 while the file shrinks to about
// half. ONNX in, ONNX out; checked and written atomically with its sidecar.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/optimizer.h"
#include "optimizers/optimizer_common.h"

namespace kenning {

class ONNXFloat16Compressor : public Optimizer {
 public:
  static constexpr const char* kDescription =
      "Stores float32 ONNX weights as float16, cast back to float32 in the graph (about half "
      "the file size)";

  struct Params {
    std::filesystem::path compiled_model_path;
    OptimizerLocation location = OptimizerLocation::Host;
    // Smaller initializers (scalars such as Clip bounds) stay float32.
    std::int64_t min_elements = 16;
  };
  static const ParamSchema<Params>& schema();

  // ConfigError for values outside the declaration (schema().check).
  explicit ONNXFloat16Compressor(const Params& params);

  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::vector<std::string> output_formats() const override { return {"onnx"}; }
  std::filesystem::path compiled_model_path() const override { return params_.compiled_model_path; }
  OptimizerLocation location() const override { return params_.location; }
  std::string framework() const override { return "onnx"; }
  std::string framework_version() const override;

  IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                 const CalibrationData* calibration) override;

  const OptimizerReport& last_report() const { return report_; }
  nlohmann::json compile_report() const override { return report_to_json(report_); }

 private:
  Params params_;
  OptimizerReport report_;
};

}  // namespace kenning
