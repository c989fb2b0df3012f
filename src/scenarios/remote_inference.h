// `kenning test` against a target running `kenning server`: the model and
// each batch go through the pipeline's protocol, the target runs them.
//
// Per batch it records protocol_inference_step (the PROCESS round trip, as
// upstream Kenning does) and protocol_batch_step (DATA, PROCESS and OUTPUT,
// seen from the host); the target's own run times come back at the end as
// target_inference_step, so inferencetime_* stay target-side numbers.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/measurement/measurements.h"
#include "kenning/core/tensor.h"
#include "kenning/optimizer.h"
#include "kenning/protocol.h"
#include "scenarios/inference_target.h"

namespace kenning {

// Runs `optimizers` (the chain's location: target tail) on the target in one
// OPTIMIZERS request over its own session; the compiled model lands at the
// last one's compiled_model_path with its I/O sidecar. Returns the new spec;
// `reports` receives the target's per-optimizer entries (type, time, report).
IOSpec optimize_on_target(Protocol& protocol, std::span<const std::unique_ptr<Optimizer>> optimizers,
                          const std::filesystem::path& model, const IOSpec& spec, nlohmann::json& reports);

// The remote InferenceTarget.
class RemoteInference : public InferenceTarget {
 public:
  // `protocol` must outlive this object; the destructor disconnects.
  explicit RemoteInference(Protocol& protocol) : protocol_(protocol) {}
  ~RemoteInference() override;
  RemoteInference(const RemoteInference&) = delete;
  RemoteInference& operator=(const RemoteInference&) = delete;

  std::string description() const override;
  bool runs_model_file() const override { return true; }
  // Connects, uploads the I/O spec and the model; records model_upload_time.
  void prepare(const std::filesystem::path& model, const IOSpec& spec, Measurements& m) override;
  // Runs one batch on the target and returns its outputs, shaped by the
  // spec; records protocol_inference_step and protocol_batch_step (the target's own times come with
  // finish()).
  QueryOutputs infer(std::span<const TensorView> inputs, Measurements& m) override;
  // The target-side benchmark: `inputs` go over once, then the target runs
  // them `warmup` times untimed and `runs` times timed, so link time never
  // counts; the times arrive with finish() (target_benchmark_step, and
  // target_benchmark_statistics computed from them).
  void benchmark(std::span<const TensorView> inputs, std::size_t runs, std::size_t warmup) override;
  // Downloads the target's statistics into `m` and disconnects.
  void finish(Measurements& m) override;

 private:
  Protocol& protocol_;
  std::vector<TensorSpec> output_specs_;
};

}  // namespace kenning
