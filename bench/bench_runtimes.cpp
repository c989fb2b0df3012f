// Every built-in runtime that reads ONNX, on the same model and inputs:
// latency, throughput, achieved GFLOP/s (counter "GFLOP", shown per second;
// FLOPs counted from the graph, 2 per
// multiply-add) and heap allocations (count and KiB) per steady-state
// inference.
//
//   build/bin/bench_runtimes [--model=path.onnx] [--threads=N] [--benchmark_min_time=1]
// Default model: the committed Fashion-MNIST CNN.
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "alloc_counter.h"
#include "kenning/registries.h"
#include "onnx_flops.h"
#include "onnx_io_spec.h"

namespace {

namespace fs = std::filesystem;

struct Options {
  fs::path model = fs::path(KENNING_SOURCE_ROOT) / "models/fashion-mnist-cnn.onnx";
  int threads = 1;
};

std::vector<kenning::Tensor> random_inputs(const kenning::IOSpec& spec, std::int64_t batch) {
  std::vector<kenning::Tensor> inputs;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0, 1);
  for (const auto& in : spec.model_inputs()) {
    kenning::Shape shape = in.shape;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] < 0) shape[i] = i == 0 ? batch : 1;
    }
    kenning::Tensor t(in.dtype, shape);
    if (in.dtype == kenning::DType::Float32) {
      for (auto& v : t.data<float>()) v = u(rng);
    }
    inputs.push_back(std::move(t));
  }
  return inputs;
}

void run_runtime(benchmark::State& state, const std::string& runtime_name, const Options& o) {
  const std::int64_t batch = state.range(0);
  auto runtime = kenning::registries().runtimes.create(runtime_name, {{"num_threads", o.threads}}, "bench");
  const kenning::IOSpec spec = kenning::load_or_derive_onnx_io_spec(o.model);
  runtime->prepare_model(o.model, spec);
  const auto inputs = random_inputs(spec, batch);
  std::vector<kenning::TensorView> views;
  for (const auto& t : inputs) views.push_back(t.view());
  // Warm-up runs let caches, thread pools and arenas settle.
  for (int i = 0; i < 3; ++i) {
    runtime->load_input(views);
    runtime->run();
    benchmark::DoNotOptimize(runtime->extract_output());
  }
  const double flops = kenning::count_onnx_flops(o.model, batch).total;
  std::uint64_t run_allocations = 0;
  std::uint64_t run_bytes = 0;
  for (auto _ : state) {
    runtime->load_input(views);
    const std::uint64_t before = kenning::bench::allocation_count();
    const std::uint64_t bytes_before = kenning::bench::allocated_bytes();
    runtime->run();
    run_allocations += kenning::bench::allocation_count() - before;
    run_bytes += kenning::bench::allocated_bytes() - bytes_before;
    benchmark::DoNotOptimize(runtime->extract_output());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["GFLOP"] =
      benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  const double runs = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["allocs/run"] = static_cast<double>(run_allocations) / runs;
  state.counters["heap_KiB/run"] = static_cast<double>(run_bytes) / 1024.0 / runs;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--model=", 8) == 0) o.model = argv[i] + 8;
    else if (std::strncmp(argv[i], "--threads=", 10) == 0) o.threads = std::atoi(argv[i] + 10);
    else rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (!fs::exists(o.model)) {
    std::fprintf(stderr, "bench_runtimes: %s: no such model\n", o.model.c_str());
    return 2;
  }
  for (const auto& info : kenning::registries().runtimes.classes()) {
    if (!info.available) continue;
    auto probe = kenning::registries().runtimes.create(info.name, nlohmann::json::object(), "bench");
    const auto formats = probe->input_formats();
    if (std::find(formats.begin(), formats.end(), "onnx") == formats.end()) continue;
    benchmark::RegisterBenchmark((info.name + "/" + o.model.stem().string()).c_str(),
                                 [name = info.name, o](benchmark::State& s) { run_runtime(s, name, o); })
        ->Arg(1)
        ->Arg(32)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
