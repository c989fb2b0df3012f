// OpenCVRuntime: runs ONNX models with OpenCV's DNN module.
//
// OpenCV types stay out of this header (they live in State) so the registry
// and other callers compile without OpenCV's headers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/runtime.h"

namespace kenning {

class OpenCVRuntime : public Runtime {
 public:
  static constexpr const char* kDescription = "Runs ONNX models with OpenCV's DNN module";

  struct Params {
    std::filesystem::path save_model_path;
    std::int64_t num_threads = -1;
    std::string backend = "opencv";
    std::string target = "cpu";
  };
  static const ParamSchema<Params>& schema();

  // Throws ConfigError when OpenCV was built without the chosen backend/target.
  explicit OpenCVRuntime(const Params& params);
  ~OpenCVRuntime() override;
  OpenCVRuntime(const OpenCVRuntime&) = delete;
  OpenCVRuntime& operator=(const OpenCVRuntime&) = delete;

  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::filesystem::path save_model_path() const override { return params_.save_model_path; }
  std::string framework() const override { return "opencv"; }
  std::string framework_version() const override;

  void prepare_model(const std::filesystem::path& model, const IOSpec& spec) override;
  void load_input(std::span<const TensorView> inputs) override;
  void run() override;
  std::vector<Tensor> extract_output() override;

 private:
  struct State;
  Params params_;
  std::unique_ptr<State> state_;
};

}  // namespace kenning
