// ONNXModel: any existing ONNX model, with no assumption about what it
// computes. Its I/O spec is the model's sidecar (<model>.onnx.json) when
// present, else what the ONNX graph declares. preprocess checks the batch's
// inputs against that spec (count, dtype, shape) and passes them through;
// postprocess passes the outputs through, so `kenning test` measures speed
// and skips evaluation (outputs_predictions() is false).
//
// There is no framework behind it: it cannot train or run natively (a
// scenario needs a runtime block, e.g. ONNXExecRuntime or OpenCVRuntime).
// Pair it with the random_tensors dataset for inputs shaped like the model's.
//
// Only built with KENNING_WITH_ONNX.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/model_wrapper.h"

namespace kenning {

class ONNXModel : public ModelWrapper {
 public:
  struct Params {
    std::filesystem::path model_path;
  };
  static const ParamSchema<Params>& schema();
  // Reads the model's I/O spec. Throws ConfigError for an empty path or one
  // not ending in .onnx, IoError naming the file when it is missing or not
  // ONNX.
  explicit ONNXModel(const Params& params);

  std::filesystem::path model_path() const override { return model_path_; }
  IOSpec io_spec() const override { return spec_; }
  std::string framework() const override { return "onnx"; }
  // "ir <n>, opset <n>" of the model file.
  std::string framework_version() const override { return version_; }
  std::vector<std::string> output_formats() const override { return {"onnx"}; }

  // Checks count, dtype and shape against the model's inputs; returns copies.
  std::vector<Tensor> preprocess(const Batch& batch) const override;
  // Returns the outputs unchanged.
  std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const override;

  // NotSupported: no training framework.
  std::vector<EpochStats> train(const Dataset& dataset) override;
  // Copies the model (and its I/O spec as a sidecar) to `path`.
  void save_to_onnx(const std::filesystem::path& path) override;
  // NotSupported: no framework; the scenario needs a runtime.
  std::vector<Tensor> run_inference(std::span<const TensorView> inputs) override;

  // The model's inputs (model_inputs() of the spec): what preprocess passes on.
  std::vector<TensorSpec> preprocess_input_spec() const override { return spec_.model_inputs(); }
  bool outputs_predictions() const override { return false; }

 protected:
  // For subclasses: `who` names the class in messages.
  ONNXModel(const std::filesystem::path& model_path, std::string who);

  std::string who_;
  std::filesystem::path model_path_;
  IOSpec spec_;
  std::string version_;
};

}  // namespace kenning
