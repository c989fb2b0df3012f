// ONNXExecRuntime: runs ONNX models with kenning's own interpreter
// (src/onnx_exec) on libtorch's ATen kernels.
//
// ATen types stay out of this header (they live in State) so the registry
// compiles without libtorch's headers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/runtime.h"

namespace kenning {

class ONNXExecRuntime : public Runtime {
 public:
  static constexpr const char* kDescription =
      "Runs ONNX models with kenning's own interpreter on libtorch's ATen kernels";

  struct Params {
    std::filesystem::path save_model_path;
    std::int64_t num_threads = -1;
  };
  static const ParamSchema<Params>& schema();

  explicit ONNXExecRuntime(const Params& params);
  ~ONNXExecRuntime() override;
  ONNXExecRuntime(const ONNXExecRuntime&) = delete;
  ONNXExecRuntime& operator=(const ONNXExecRuntime&) = delete;

  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::filesystem::path save_model_path() const override { return params_.save_model_path; }
  std::string framework() const override { return "onnx_exec"; }
  std::string framework_version() const override;

  // Throws IoError (unreadable file), NotSupported (opset, op or feature the
  // interpreter lacks, naming the node) or BackendError (broken graph).
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
