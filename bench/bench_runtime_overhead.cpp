// Framework overhead per inference: the committed Fashion-MNIST CNN run
// through OpenCVRuntime (load_input -> run -> extract_output, what
// `kenning test` does per batch) against the same OpenCV DNN calls made
// directly, same model, same input, same threads.
//
//   build/bin/bench_runtime_overhead --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "kenning/core/io_spec.h"
#include "kenning/registries.h"

namespace {

const std::filesystem::path kModel = std::filesystem::path(KENNING_SOURCE_ROOT) / "models/fashion-mnist-cnn.onnx";
constexpr int kThreads = 1;

kenning::Tensor random_input(std::int64_t batch) {
  kenning::Tensor t(kenning::DType::Float32, {batch, 1, 28, 28});
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0, 1);
  for (auto& v : t.data<float>()) v = u(rng);
  return t;
}

void BM_KenningOpenCVRuntime(benchmark::State& state) {
  if (!std::filesystem::exists(kModel)) return state.SkipWithError("models/fashion-mnist-cnn.onnx missing");
  auto runtime = kenning::registries().runtimes.create("OpenCVRuntime", {{"num_threads", kThreads}}, "bench");
  runtime->prepare_model(kModel, kenning::load_io_spec(kModel));
  const auto input = random_input(state.range(0));
  const std::vector<kenning::TensorView> views = {input.view()};
  for (auto _ : state) {
    runtime->load_input(views);
    runtime->run();
    auto out = runtime->extract_output();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_KenningOpenCVRuntime)->Arg(1)->Arg(32)->UseRealTime();

void BM_RawOpenCVDnn(benchmark::State& state) {
  if (!std::filesystem::exists(kModel)) return state.SkipWithError("models/fashion-mnist-cnn.onnx missing");
  cv::setNumThreads(kThreads);
  cv::dnn::Net net = cv::dnn::readNetFromONNX(kModel.string());
  const auto input = random_input(state.range(0));
  const int dims[] = {static_cast<int>(state.range(0)), 1, 28, 28};
  cv::Mat blob(4, dims, CV_32F, const_cast<std::byte*>(input.bytes().data()));
  for (auto _ : state) {
    net.setInput(blob);
    cv::Mat out = net.forward();
    benchmark::DoNotOptimize(out.data);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RawOpenCVDnn)->Arg(1)->Arg(32)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
