// Every built-in runtime on the same models and inputs, in one run: latency
// (batch 1), throughput (batch 32, items/s), achieved GFLOP/s (counter
// "GFLOP", shown per second; FLOPs counted from the ONNX graph, 2 per
// multiply-add) and heap allocations (count and KiB) per steady-state
// inference. Each runtime gets the model in the format it reads: ONNX, or the
// TorchScript export of the same weights.
//
//   build/bin/bench_runtimes [--model=path.onnx] [--threads=N] [--benchmark_filter=...]
//
// Default models: the committed Fashion-MNIST CNN (models/fashion-mnist-cnn.onnx
// and .ts) and a MobileNetV2 at 224x224 made by the mobilenet_v2 model wrapper
// (seeded weights) into bench-models/ under the working folder. --model=
// replaces them with one ONNX file (and its .ts twin when one lies beside it).
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "alloc_counter.h"
#include "kenning/registries.h"
#include "onnx/onnx_flops.h"
#include "onnx/onnx_io_spec.h"

namespace {

namespace fs = std::filesystem;

// One model in every format it was exported to (format -> file).
struct BenchModel {
  std::string name;
  std::map<std::string, fs::path> files;
};

struct Options {
  std::vector<BenchModel> models;
  int threads = 1;
};

BenchModel model_from_onnx(const fs::path& onnx) {
  BenchModel m{onnx.stem().string(), {{"onnx", onnx}}};
  fs::path ts = onnx;
  ts.replace_extension(".ts");
  if (fs::exists(ts)) m.files["torchscript"] = ts;
  return m;
}

// MobileNetV2 224x224 from the model wrapper, exported once to both formats.
BenchModel make_mobilenet_v2(const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path onnx = dir / "mobilenet-v2-224.onnx";
  const fs::path ts = dir / "mobilenet-v2-224.ts";
  if (!fs::exists(onnx) || !fs::exists(ts)) {
    auto wrapper = kenning::registries().model_wrappers.create(
        // Opset 10: OpenCV 4.6 refuses the opset-11+ Clip (ReLU6) with min/max inputs.
        "mobilenet_v2", {{"model_path", onnx.string()}, {"input_size", 224}, {"opset", 10}}, "bench");
    wrapper->save_to_onnx(onnx);
    wrapper->save_to_torchscript(ts);
  }
  return {"mobilenet_v2_224", {{"onnx", onnx}, {"torchscript", ts}}};
}

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

void run_runtime(benchmark::State& state, const std::string& runtime_name, const fs::path& file, const fs::path& onnx,
                 int threads) {
  const std::int64_t batch = state.range(0);
  auto runtime = kenning::registries().runtimes.create(runtime_name, {{"num_threads", threads}}, "bench");
  // The ONNX file's spec: same inputs for every format.
  const kenning::IOSpec spec = kenning::load_or_derive_onnx_io_spec(onnx);
  try {
    runtime->prepare_model(file, spec);
  } catch (const std::exception& e) {
    // A runtime that cannot load this model is reported, not fatal.
    state.SkipWithError(e.what());
    return;
  }
  const auto inputs = random_inputs(spec, batch);
  std::vector<kenning::TensorView> views;
  for (const auto& t : inputs) views.push_back(t.view());
  // Warm-up runs let caches, thread pools and arenas settle.
  for (int i = 0; i < 3; ++i) {
    runtime->load_input(views);
    runtime->run();
    benchmark::DoNotOptimize(runtime->extract_output());
  }
  const double flops = kenning::count_onnx_flops(onnx, batch).total;
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
    if (std::strncmp(argv[i], "--model=", 8) == 0)
      o.models.push_back(model_from_onnx(argv[i] + 8));
    else if (std::strncmp(argv[i], "--threads=", 10) == 0)
      o.threads = std::atoi(argv[i] + 10);
    else
      rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  try {
    if (o.models.empty()) {
      o.models.push_back(model_from_onnx(fs::path(KENNING_SOURCE_ROOT) / "models/fashion-mnist-cnn.onnx"));
      o.models.push_back(make_mobilenet_v2("bench-models"));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_runtimes: cannot make the models: %s\n", e.what());
    return 2;
  }
  for (const auto& m : o.models) {
    if (!fs::exists(m.files.at("onnx"))) {
      std::fprintf(stderr, "bench_runtimes: %s: no such model\n", m.files.at("onnx").c_str());
      return 2;
    }
  }
  for (const auto& m : o.models) {
    for (const auto& info : kenning::registries().runtimes.classes()) {
      if (!info.available) continue;
      auto probe = kenning::registries().runtimes.create(info.name, nlohmann::json::object(), "bench");
      for (const auto& format : probe->input_formats()) {
        const auto file = m.files.find(format);
        if (file == m.files.end()) continue;
        benchmark::RegisterBenchmark(
            (m.name + "/" + info.name).c_str(),
            [name = info.name, file = file->second, onnx = m.files.at("onnx"),
             threads = o.threads](benchmark::State& s) { run_runtime(s, name, file, onnx, threads); })
            ->Arg(1)
            ->Arg(32)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
        break;
      }
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
