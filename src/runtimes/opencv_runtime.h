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

  // OpenCV DNN's computation backends and targets, by their parameter names.
  enum class Backend { Default, OpenCV, Cuda, VkCom };
  enum class Target { Cpu, OpenCL, OpenCLFp16, Cuda, CudaFp16 };
  static constexpr EnumName<Backend> kBackendNames[] = {
      {Backend::Default, "default"}, {Backend::OpenCV, "opencv"}, {Backend::Cuda, "cuda"}, {Backend::VkCom, "vkcom"}};
  static constexpr EnumName<Target> kTargetNames[] = {{Target::Cpu, "cpu"},
                                                      {Target::OpenCL, "opencl"},
                                                      {Target::OpenCLFp16, "opencl_fp16"},
                                                      {Target::Cuda, "cuda"},
                                                      {Target::CudaFp16, "cuda_fp16"}};

  struct Params {
    std::filesystem::path save_model_path;
    std::int64_t num_threads = -1;
    Backend backend = Backend::OpenCV;
    Target target = Target::Cpu;
  };
  static const ParamSchema<Params>& schema();

  // Throws ConfigError for values outside the declaration (schema().check)
  // and when OpenCV was built without the chosen backend/target.
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
