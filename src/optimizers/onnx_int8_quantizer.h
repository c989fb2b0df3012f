// ONNXInt8Quantizer ("onnx_int8"): static post-training int8 quantization of
// an ONNX model, written in the QDQ form (qdq_rewrite.h).
//  * weights: symmetric int8, per output channel or per tensor; biases int32;
//  * activations: uint8 or int8, ranges calibrated on the first
//    `calibration_samples` samples of the dataset's calibration split
//    (min-max or percentile, activation_calibration.h);
//  * graph inputs/outputs stay float32 unless inference_input_type /
//    inference_output_type ask for integers; the I/O sidecar then carries
//    their scale and zero_point.
// The graph passes of ONNXGraphOptimizer (BatchNormalization folding, ...)
// run first unless optimize_graph is false, so quantization sees the graph
// a runtime will run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/optimizer.h"
#include "optimizers/optimizer_common.h"

namespace kenning {

class ONNXInt8Quantizer : public Optimizer {
 public:
  static constexpr const char* kDescription =
      "Static int8 post-training quantization of ONNX models (QDQ form), calibrated on the dataset's "
      "calibration split";

  enum class CalibrationMethod { MinMax, Percentile };
  // Types of activations (UInt8, Int8) and of the model's inputs and outputs
  // (any of the three).
  enum class ValueType { Float32, UInt8, Int8 };
  static constexpr EnumName<CalibrationMethod> kCalibrationMethodNames[] = {
      {CalibrationMethod::MinMax, "minmax"},
      {CalibrationMethod::Percentile, "percentile"},
  };
  static constexpr EnumName<ValueType> kActivationTypeNames[] = {{ValueType::UInt8, "uint8"},
                                                                 {ValueType::Int8, "int8"}};
  static constexpr EnumName<ValueType> kInferenceTypeNames[] = {
      {ValueType::Float32, "float32"}, {ValueType::UInt8, "uint8"}, {ValueType::Int8, "int8"}};

  struct Params {
    std::filesystem::path compiled_model_path;
    OptimizerLocation location = OptimizerLocation::Host;
    std::int64_t calibration_samples = 256;
    std::int64_t calibration_batch_size = 32;
    CalibrationMethod calibration_method = CalibrationMethod::MinMax;
    double percentile = 99.99;
    bool per_channel = true;
    ValueType activation_dtype = ValueType::UInt8;
    ValueType inference_input_type = ValueType::Float32;
    ValueType inference_output_type = ValueType::Float32;
    bool optimize_graph = true;
  };
  static const ParamSchema<Params>& schema();

  // ConfigError for integer I/O types that differ from activation_dtype, and
  // for values outside the declaration (schema().check).
  explicit ONNXInt8Quantizer(const Params& params);

  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::vector<std::string> output_formats() const override { return {"onnx"}; }
  std::filesystem::path compiled_model_path() const override { return params_.compiled_model_path; }
  OptimizerLocation location() const override { return params_.location; }
  std::string framework() const override { return "onnx"; }
  std::string framework_version() const override;

  IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                 const CalibrationData* calibration) override;

  nlohmann::json compile_report() const override { return report_; }
  // ConfigError when there is no calibration data or fewer samples than calibration_samples.
  void check_calibration(const CalibrationData* calibration) const override;

 private:
  Params params_;
  nlohmann::json report_ = nlohmann::json::object();
};

}  // namespace kenning
