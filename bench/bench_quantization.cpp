// Quality, size and speed of the optimizers' outputs, side by side: the
// Fashion-MNIST CNN (accuracy on the real test set) and MobileNetV2 224x224
// (seeded weights: agreement with the float32 model on random inputs), each
// as float32, graph-optimized, int8 per-tensor and int8 per-channel, run by
// our ONNX executor on one thread.
//
//   bench_quantization [--models=cnn,mobilenet] [--samples=10000] [--threads=1]
//
// Run from the source root (it reads models/ and the Fashion-MNIST data and
// writes the variants to bench-models/ under the working folder). Prints a
// Markdown table: latency is the median of single-sample runs, throughput
// the median over batch-32 runs, ratios are against float32.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "scenarios/dataset_calibration.h"
#include "onnx_exec/executor.h"
#include "kenning/core/io_spec.h"
#include "kenning/registries.h"
#include "optimizers/onnx_graph_optimizer.h"
#include "optimizers/onnx_int8_quantizer.h"
#include "onnx_exec/tensor_proto.h"

namespace fs = std::filesystem;
using namespace kenning;

namespace {

struct Options {
  std::vector<std::string> models = {"cnn", "mobilenet"};
  std::size_t samples = 10000;
  int threads = 1;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const std::string& key) { return a.substr(key.size()); };
    if (a.rfind("--models=", 0) == 0) {
      o.models.clear();
      std::stringstream s(value("--models="));
      for (std::string m; std::getline(s, m, ',');) o.models.push_back(m);
    } else if (a.rfind("--samples=", 0) == 0) {
      o.samples = std::stoul(value("--samples="));
    } else if (a.rfind("--threads=", 0) == 0) {
      o.threads = std::stoi(value("--threads="));
    } else {
      throw std::runtime_error("unknown argument " + a + " (--models=cnn,mobilenet --samples=N --threads=N)");
    }
  }
  return o;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median seconds of one run of `exec` on `input`, after warm-ups.
double time_runs(const onnx_exec::Executor& exec, const at::Tensor& input, int runs) {
  for (int i = 0; i < 3; ++i) exec.run({input});
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto s = std::chrono::steady_clock::now();
    exec.run({input});
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count());
  }
  return median(t);
}

// Random inputs in [0, 1) for calibrating a model without a dataset.
class RandomCalibration : public CalibrationData {
 public:
  RandomCalibration(Shape sample, std::size_t n) : sample_(std::move(sample)), n_(n) {}
  std::size_t size() const override { return n_; }
  std::vector<Tensor> inputs(std::size_t begin, std::size_t count) const override {
    Shape shape = sample_;
    shape.insert(shape.begin(), static_cast<std::int64_t>(count));
    Tensor t(DType::Float32, shape);
    std::mt19937 rng(static_cast<unsigned>(begin + 1));
    std::uniform_real_distribution<float> u(0, 1);
    for (float& v : t.data<float>()) v = u(rng);
    std::vector<Tensor> out;
    out.push_back(std::move(t));
    return out;
  }
  std::string describe() const override { return "random inputs"; }

 private:
  Shape sample_;
  std::size_t n_;
};

struct Variant {
  std::string name;
  fs::path file;
};

// float32, graph-optimized, int8 per-tensor and per-channel versions of `fp32`.
std::vector<Variant> make_variants(const fs::path& fp32, const std::string& stem, const CalibrationData& calibration,
                                   std::size_t calibration_samples) {
  std::vector<Variant> v = {{"float32", fp32}};
  ONNXGraphOptimizer::Params gp;
  gp.compiled_model_path = fs::path("bench-models") / (stem + ".opt.onnx");
  ONNXGraphOptimizer(gp).compile(fp32, load_io_spec(fp32), nullptr);
  v.push_back({"graph-optimized", gp.compiled_model_path});
  for (const bool per_channel : {false, true}) {
    ONNXInt8Quantizer::Params qp;
    qp.compiled_model_path =
        fs::path("bench-models") / (stem + (per_channel ? ".int8-per-channel.onnx" : ".int8-per-tensor.onnx"));
    qp.per_channel = per_channel;
    qp.calibration_samples = static_cast<std::int64_t>(calibration_samples);
    qp.calibration_batch_size = 8;
    ONNXInt8Quantizer(qp).compile(fp32, load_io_spec(fp32), &calibration);
    v.push_back({per_channel ? "int8 per-channel" : "int8 per-tensor", qp.compiled_model_path});
  }
  return v;
}

struct Row {
  std::string model, variant, quality;
  std::uintmax_t bytes = 0;
  double latency = 0, throughput = 0;
};

void print(const std::vector<Row>& rows) {
  std::cout << "\n| model | variant | quality | size (bytes) | size ratio | latency b1 (ms) | latency ratio | "
               "throughput b32 (samples/s) |\n|---|---|---|---|---|---|---|---|\n";
  const Row* base = nullptr;
  for (const auto& r : rows) {
    if (r.variant == "float32") base = &r;
    std::cout << fmt::format("| {} | {} | {} | {} | {:.2f} | {:.3f} | {:.2f} | {:.0f} |\n", r.model, r.variant,
                             r.quality, r.bytes, static_cast<double>(r.bytes) / static_cast<double>(base->bytes),
                             r.latency * 1e3, r.latency / base->latency, r.throughput);
  }
}

void bench_cnn(const Options& o, std::vector<Row>& rows) {
  const fs::path fp32 = "models/fashion-mnist-cnn.onnx";
  auto dataset = registries().datasets.create("FashionMNISTDataset",
                                              {{"dataset_root", "/usr/share/datasets/fashion-mnist"}}, "bench");
  dataset->prepare();
  auto wrapper = registries().model_wrappers.create("PyTorchFashionMNISTCNN", {{"model_path", fp32.string()}}, "bench");
  const DatasetCalibration calibration(*dataset, *wrapper);
  const std::size_t n = std::min(o.samples, dataset->size(Split::Test));
  const Batch test = dataset->batch(Split::Test, 0, n);
  const at::Tensor x = onnx_exec::aten_copy(test.inputs[0].view());
  const at::Tensor y = onnx_exec::aten_copy(test.targets[0].view());
  for (const auto& v : make_variants(fp32, "fashion-mnist-cnn", calibration, 512)) {
    const auto exec = onnx_exec::Executor::load(v.file);
    const double acc = exec.run({x}).at(0).argmax(1).eq(y).to(at::kDouble).mean().item<double>();
    Row r{"Fashion-MNIST CNN", v.name, fmt::format("accuracy {:.4f} ({} images)", acc, n), fs::file_size(v.file)};
    r.latency = time_runs(exec, x.slice(0, 0, 1).clone(), 2000);
    r.throughput = 32.0 / time_runs(exec, x.slice(0, 0, 32).clone(), 100);
    rows.push_back(r);
  }
}

void bench_mobilenet(std::vector<Row>& rows) {
  fs::create_directories("bench-models");
  const fs::path fp32 = "bench-models/mobilenet-v2-224-opset13.onnx";
  if (!fs::exists(fp32)) {
    auto wrapper = registries().model_wrappers.create(
        "mobilenet_v2", {{"model_path", fp32.string()}, {"input_size", 224}, {"opset", 13}}, "bench");
    wrapper->save_to_onnx(fp32);
  }
  const RandomCalibration calibration({3, 224, 224}, 64);
  const at::Tensor x = onnx_exec::aten_copy(RandomCalibration({3, 224, 224}, 64).inputs(1000, 32)[0].view());
  at::Tensor reference;
  for (const auto& v : make_variants(fp32, "mobilenet-v2-224", calibration, 64)) {
    const auto exec = onnx_exec::Executor::load(v.file);
    const at::Tensor out = exec.run({x}).at(0);
    if (!reference.defined()) reference = out;
    const double agree = out.argmax(1).eq(reference.argmax(1)).to(at::kDouble).mean().item<double>();
    const double rel = ((out - reference).abs().mean() / reference.abs().mean()).item<double>();
    Row r{"MobileNetV2 224", v.name, fmt::format("top-1 agreement {:.2f}, rel. diff {:.3f}", agree, rel),
          fs::file_size(v.file)};
    r.latency = time_runs(exec, x.slice(0, 0, 1).clone(), 30);
    r.throughput = 32.0 / time_runs(exec, x, 3);
    rows.push_back(r);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    at::set_num_threads(o.threads);
    spdlog::set_level(spdlog::level::warn);
    fs::create_directories("bench-models");
    std::vector<Row> rows;
    for (const auto& m : o.models) {
      if (m == "cnn")
        bench_cnn(o, rows);
      else if (m == "mobilenet")
        bench_mobilenet(rows);
      else
        throw std::runtime_error("unknown model " + m + " (cnn, mobilenet)");
      print(rows);
      rows.clear();
    }
    std::cout << "\n" << o.threads << " thread(s); latency: median of single-sample runs; throughput: batch 32\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_quantization: " << e.what() << "\n";
    return 1;
  }
}
