// Where `kenning test` runs the model: a runtime on this host, the model
// wrapper's own framework, or a target reached over the scenario's protocol.
// The test loop (inference_tester.cpp) is the same for all three.
//
// Call order: prepare once, infer per query, optionally benchmark, then
// finish once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"
#include "kenning/measurement/measurements.h"
#include "scenarios/pipeline.h"

namespace kenning {

struct QueryOutputs {
  std::vector<Tensor> outputs;  // raw model outputs, before postprocess
  // Inference time this host measured for the query (the stopping rule of
  // the performance modes counts it); 0 when the target times itself.
  double inference_seconds = 0;
};

class InferenceTarget {
 public:
  virtual ~InferenceTarget() = default;

  // For the log: "ONNXExecRuntime", "NetworkProtocol (remote)", ...
  virtual std::string description() const = 0;
  // True when the model file runs as it is: inputs are quantized and outputs
  // dequantized by its spec (an int8 model takes int8). False for the
  // wrapper's native model, which takes what preprocess gives.
  virtual bool runs_model_file() const = 0;

  // Loads the model; records its prepare or upload time in `m`.
  virtual void prepare(const std::filesystem::path& model, const IOSpec& spec, Measurements& m) = 0;
  // Runs one query and records its per-step times in `m`.
  virtual QueryOutputs infer(std::span<const TensorView> inputs, Measurements& m) = 0;
  // A target that times itself runs `inputs` `runs` times after `warmup`
  // untimed runs; the times arrive with finish(). Only remote targets do
  // (run_inference_test refuses a benchmark without a protocol block): a
  // local target's test queries are already its own timings.
  virtual void benchmark(std::span<const TensorView> /*inputs*/, std::size_t /*runs*/, std::size_t /*warmup*/) {}
  // After the last query: what the target reports about the run.
  virtual void finish(Measurements& /*m*/) {}
};

// The pipeline's target: remote when it has a protocol block, else its
// runtime, else the model wrapper natively. The pipeline must outlive it.
std::unique_ptr<InferenceTarget> make_inference_target(Pipeline& pipeline);

}  // namespace kenning
