// `kenning optimize` / `kenning test`: runs the optimizer chain, then runs the
// final model on the dataset's test split on the scenario's InferenceTarget
// (inference_target.h: its runtime, the model wrapper natively, or a remote
// target), timing each batch and scoring predictions.
#pragma once

#include <filesystem>
#include <string>

#include "kenning/measurement/measurements.h"
#include "scenarios/pipeline.h"
#include "scenarios/test_mode.h"

namespace kenning {

struct TestOptions {
  std::string command;                      // the command line, recorded as-is
  std::filesystem::path cfg_path;           // scenario file, if any
  std::filesystem::path measurements_path;  // empty: do not save
  bool run_optimizers = true;               // false: test the wrapper's model as it is
  bool run_test = true;                     // false: `kenning optimize` alone
  bool show_progress = true;
  // Remote runs: after the test set, the target times this many runs of the
  // first batch (sent once) after target_benchmark_warmup untimed ones; 0: off.
  std::size_t target_benchmark_runs = 0;
  std::size_t target_benchmark_warmup = 10;
  // --test-mode and its minimums (test_mode.h); single-stream and offline
  // run locally only.
  LoadSettings load;
};

// Runs the optimizers and returns the final model file. Optimizers with
// location "target" must end the chain; they run on the pipeline's protocol
// target in one request, and `target_reports` (when given) receives what
// the target says each did.
std::filesystem::path optimize_model(Pipeline& pipeline, nlohmann::json* target_reports = nullptr);

// Records what runs, optimizes (unless options.run_optimizers is false),
// runs the test queries on the pipeline's target, then finishes the run:
// the target's own statistics, resource use, derived statistics and the
// verdict. Saves to options.measurements_path when it is set.
Measurements run_inference_test(Pipeline& pipeline, const TestOptions& options);

}  // namespace kenning
