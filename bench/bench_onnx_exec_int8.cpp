// The interpreter (src/onnx_exec) on a float32 model and on its int8 QDQ
// version, one thread, batch 1 and 32: the QDQ fusion's integer kernels
// against the float kernels.
//
//   build/bin/bench_onnx_exec_int8 [--model=path.onnx] [--qdq=path.onnx] [--per_tensor] [--s8]
//
// --qdq names a QDQ model made by a quantizer. Without it the QDQ version is
// made by the min-max rewrite the unit tests use (tests/unit/qdq_test_model.h),
// calibrated on uniform random inputs: it stands in for a real quantizer for
// timing only, not for accuracy.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include "onnx_exec/executor.h"
#include "qdq_test_model.h"

namespace {

namespace fs = std::filesystem;
using kenning::onnx_exec::Executor;

void run(benchmark::State& state, const Executor& e, std::int64_t batch) {
  std::vector<std::int64_t> shape = e.inputs()[0].shape;
  shape[0] = batch;
  // Integer inputs (a model quantized with integer I/O) get random codes.
  const at::ScalarType type = e.inputs()[0].dtype;
  const at::Tensor x = type == at::kFloat ? at::rand(shape) : at::randint(0, 100, shape).to(type);
  for (int i = 0; i < 5; ++i) e.run({x});  // primitives, arena plan
  for (auto _ : state) benchmark::DoNotOptimize(e.run({x}));
  state.SetItemsProcessed(state.iterations() * batch);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path model = fs::path(KENNING_SOURCE_ROOT) / "models" / "fashion-mnist-cnn.onnx";
  fs::path qdq_file;
  kenning::testing::QdqOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--model=", 8) == 0)
      model = argv[i] + 8;
    else if (std::strncmp(argv[i], "--qdq=", 6) == 0)
      qdq_file = argv[i] + 6;
    else if (std::strcmp(argv[i], "--per_tensor") == 0)
      options.per_channel = false;
    else if (std::strcmp(argv[i], "--s8") == 0)
      options.int8_activations = true;
  }
  at::set_num_threads(1);
  at::manual_seed(0);
  const bool made_here = qdq_file.empty();
  if (made_here) {
    const onnx::ModelProto proto = kenning::onnx_exec::read_model_file(model);
    std::vector<std::int64_t> shape = kenning::onnx_exec::build_graph(proto, model).inputs[0].shape;
    shape[0] = 64;
    const onnx::ModelProto qdq = kenning::testing::make_qdq_model(proto, {at::rand(shape)}, options);
    qdq_file = fs::temp_directory_path() / ("kenning-bench-" + model.stem().string() + "-qdq.onnx");
    std::ofstream(qdq_file, std::ios::binary) << qdq.SerializeAsString();
  }

  static const Executor fp32 = Executor::load(model);
  static const Executor int8 = Executor::load(qdq_file);
  const auto& s = int8.qdq_fusion_stats();
  std::printf("QDQ fusion: %d convs, %d gemms, %d adds, %d activations, %d passthroughs\n", s.fused_convs,
              s.fused_gemms, s.fused_adds, s.fused_activations, s.quantized_passthroughs);
  {
    // The fused run against the op-by-op one, and both against float32.
    const Executor op_by_op = Executor::load(qdq_file, {.fusion = false});
    std::vector<std::int64_t> shape = fp32.inputs()[0].shape;
    shape[0] = 256;
    const at::Tensor x = at::rand(shape);
    if (int8.inputs()[0].dtype == at::kFloat) {
      const at::Tensor y = int8.run({x})[0].to(at::kFloat), y_ref = op_by_op.run({x})[0].to(at::kFloat);
      const at::Tensor y_fp32 = fp32.run({x})[0];
      std::printf(
          "fused vs op by op: %.2f%% of the logits differ, by at most %g; top-1 agreement with float32: "
          "%.1f%% (op by op %.1f%%)\n",
          100 * (y - y_ref).ne(0).to(at::kFloat).mean().item<double>(), (y - y_ref).abs().max().item<double>(),
          100 * y.argmax(1).eq(y_fp32.argmax(1)).to(at::kFloat).mean().item<double>(),
          100 * y_ref.argmax(1).eq(y_fp32.argmax(1)).to(at::kFloat).mean().item<double>());
    }
  }
  for (const std::int64_t batch : {1, 32}) {
    const std::string b = "/batch" + std::to_string(batch);
    benchmark::RegisterBenchmark(("fp32" + b).c_str(), [batch](benchmark::State& st) {
      run(st, fp32, batch);
    })->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("int8_qdq" + b).c_str(), [batch](benchmark::State& st) {
      run(st, int8, batch);
    })->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  if (made_here) fs::remove(qdq_file);
  return 0;
}
