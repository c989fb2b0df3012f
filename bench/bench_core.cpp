// Cost of the framework's own bookkeeping: validating a scenario block from
// its declaration and recording one timed measurement (target: <= 1 us per
// sample, benchmarking.md).
#include <benchmark/benchmark.h>

#include "kenning/measurement/measurements.h"
#include "kenning/registries.h"

namespace {

void BM_CreateRuntimeFromBlock(benchmark::State& state) {
  const nlohmann::json params = {{"num_threads", 2}, {"target", "cpu"}};
  const auto& runtimes = kenning::registries().runtimes;
  if (!runtimes.find("OpenCVRuntime").available) return state.SkipWithError("built without OpenCV");
  for (auto _ : state) {
    auto r = runtimes.create("OpenCVRuntime", params, "bench");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CreateRuntimeFromBlock);

void BM_RecordInferenceStep(benchmark::State& state) {
  kenning::Measurements m;
  double t = 0;
  for (auto _ : state) {
    m.append_timed(kenning::keys::target_inference_step, 0.001, t += 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordInferenceStep);

}  // namespace

BENCHMARK_MAIN();
