// A stand-in Optimizer for target-side optimization tests and the protocol
// fuzzer: "compiles" by copying the model to compiled_model_path, and
// remembers every path it was given so callers can check none escapes the
// server's model folder.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/error.h"
#include "kenning/optimizer.h"

namespace kenning::testing {

class CopyOptimizer : public Optimizer {
 public:
  explicit CopyOptimizer(std::filesystem::path out, bool needs_calibration = false)
      : out_(std::move(out)), needs_calibration_(needs_calibration) {}
  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::vector<std::string> output_formats() const override { return {"onnx"}; }
  std::filesystem::path compiled_model_path() const override { return out_; }
  std::string framework() const override { return "copy"; }
  std::string framework_version() const override { return "1"; }
  IOSpec compile(const std::filesystem::path& input, const IOSpec& spec, const CalibrationData*) override {
    std::filesystem::copy_file(input, out_, std::filesystem::copy_options::overwrite_existing);
    IOSpec result = spec;
    if (!result.output.empty()) result.output.front().name = "copied";
    return result;
  }
  void check_calibration(const CalibrationData* calibration) const override {
    if (needs_calibration_ && !calibration) throw ConfigError("CopyOptimizer: needs calibration data");
  }

 private:
  std::filesystem::path out_;
  bool needs_calibration_;
};

// Builds CopyOptimizers from {type: "copy" | "calibrated-copy", parameters};
// appends each compiled_model_path to `paths`.
inline auto copy_optimizer_factory(std::vector<std::filesystem::path>& paths) {
  return [&paths](const nlohmann::json& block, const std::string& where) -> std::unique_ptr<Optimizer> {
    const auto type = block.at("type").get<std::string>();
    if (type != "copy" && type != "calibrated-copy") throw ConfigError(where + ": unknown optimizer '" + type + "'");
    const std::filesystem::path out = block.at("parameters").at("compiled_model_path").get<std::string>();
    paths.push_back(out);
    return std::make_unique<CopyOptimizer>(out, type == "calibrated-copy");
  };
}

}  // namespace kenning::testing
