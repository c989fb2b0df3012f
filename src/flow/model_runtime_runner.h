// ModelRuntimeRunner: the model step of a flow. Parameters are two scenario
// blocks, {"model_wrapper": {...}, "runtime": {...}} (no runtime: the wrapper
// runs the model natively), declared in model_runtime_runner_params.h. Its input "input" takes frames, turned into the
// model's image input (frame_input.h); its outputs are the model wrapper's
// postprocessed outputs, named and described by its I/O spec (class names
// included), e.g. "output" for the Fashion-MNIST CNN.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "flow/flow_node.h"
#include "flow/frame_input.h"
#include "runners/model_runtime_runner_params.h"
#include "scenarios/pipeline.h"

namespace kenning {

class ModelRuntimeRunner : public FlowNode {
 public:
  // Declared in the runner registry (src/runners), which `kenning info`
  // reads and the constructor validates against.
  using Params = ModelRuntimeRunnerParams;
  static const ParamSchema<Params>& schema() { return model_runtime_runner_schema(); }

  // Validates the parameters, builds the blocks and checks the model's input
  // can take frames; throws ConfigError naming `where` and the key. Loads no
  // model yet.
  ModelRuntimeRunner(const nlohmann::json& parameters, const std::string& where);

  std::vector<TensorSpec> input_spec() const override;
  std::vector<TensorSpec> output_spec() const override { return outputs_; }
  // Loads the model into the runtime.
  void prepare(const std::vector<TensorSpec>& connected) override;
  std::optional<std::vector<Tensor>> step(std::span<const TensorView> inputs) override;
  void close(bool) override {}
  double work_seconds() const override { return work_s_; }

 private:
  std::string where_;
  Pipeline pipeline_;
  std::filesystem::path model_;
  IOSpec spec_;
  std::vector<TensorSpec> outputs_;
  std::optional<FrameInput> frame_input_;
  double work_s_ = 0;
};

}  // namespace kenning
