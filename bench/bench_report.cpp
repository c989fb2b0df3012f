// Speed of `kenning report` on large measurements: two runs of 10 000
// timed inferences each (10-class confusion matrices, CPU and memory sampled
// every 100 ms, as `kenning test` writes them), rendered
//   1. as Markdown tables only (reading and parsing the JSON included),
//   2. as Markdown with every figure (gnuplot),
//   3. with the self-contained HTML page as well,
// each for one run and for the comparison of both. Goals: Markdown of a
// 10 000-sample file within 2 s, HTML with all plots within 15 s.
//
//   bench_report [--samples=10000] [--out=bench-report] [--repeat=3]
//
// Prints the median wall time of each case; the reports stay under --out to
// be looked at.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/report_input.h"
#include "reports/report_writer.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A measurements file shaped like `kenning test`'s, from a fixed seed.
json synthetic_run(std::size_t samples, double median_s, double accuracy, std::int64_t model_size, unsigned seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<double> tail(8.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::vector<std::string> classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  json j = {{"command", "kenning test"},         {"compiled_model_path", fmt::format("model-{}.onnx", seed)},
            {"compiled_model_size", model_size}, {"class_names", classes},
            {"test_samples", samples},           {"build_cfg", {{"runtime", {{"type", "ONNXExecRuntime"}}}}}};
  std::vector<std::vector<std::int64_t>> matrix(10, std::vector<std::int64_t>(10, 0));
  for (std::size_t i = 0; i < samples; ++i) {
    const std::size_t actual = i % 10;
    matrix[actual][unit(rng) < accuracy ? actual : rng() % 10]++;
  }
  j["eval_confusion_matrix"] = matrix;
  j["top_5_count"] = samples - samples / 200;
  std::vector<double> steps, stamps;
  double t = 1.7e9;
  for (std::size_t i = 0; i < samples; ++i) {
    const double s = i == 0 ? median_s * 30 : median_s * (0.95 + tail(rng));
    steps.push_back(s);
    stamps.push_back(t);
    t += s * 1.3;
  }
  j["target_inference_step"] = steps;
  j["target_inference_step_timestamp"] = stamps;
  json cpus = json::array(), mem = json::array(), ts = json::array();
  for (double at = 1.7e9; at < t; at += 0.1) {
    cpus.push_back({60 + 30 * unit(rng), 20 + 10 * unit(rng)});
    mem.push_back(12 + 0.5 * unit(rng));
    ts.push_back(at);
  }
  j["session_utilization_cpus_percent"] = cpus;
  j["session_utilization_mem_percent"] = mem;
  j["session_utilization_timestamp"] = ts;
  return j;
}

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--" + name + "=", 0) == 0) return a.substr(name.size() + 3);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t samples = std::stoul(arg(argc, argv, "samples", "10000"));
  const fs::path out = arg(argc, argv, "out", "bench-report");
  const int repeat = std::stoi(arg(argc, argv, "repeat", "3"));
  fs::create_directories(out);
  const std::vector<fs::path> files = {out / "fp32.json", out / "int8.json"};
  std::ofstream(files[0]) << synthetic_run(samples, 100e-6, 0.915, 1'688'146, 1).dump();
  std::ofstream(files[1]) << synthetic_run(samples, 50e-6, 0.918, 432'244, 2).dump();
  std::cout << fmt::format("{} samples per run, {:.1f} MB per measurements file, {} repetitions (median shown)\n\n",
                           samples, fs::file_size(files[0]) / 1e6, repeat);
  std::cout << "| case | runs | figures | wall time (s) |\n|---|---|---|---|\n";
  for (std::size_t runs : {1u, 2u}) {
    const std::vector<fs::path> inputs(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(runs));
    for (const auto& [name, plots, html] :
         {std::tuple{"Markdown, tables only", false, false}, std::tuple{"Markdown with figures", true, false},
          std::tuple{"Markdown + HTML with figures", true, true}}) {
      std::vector<double> times;
      std::size_t figures = 0;
      for (int r = 0; r < repeat; ++r) {
        times.push_back(seconds_of([&] {
          kenning::ReportOptions o;
          o.report_path = out / fmt::format("report-{}-{}{}.md", runs, plots ? "plots" : "tables", html ? "-html" : "");
          o.plots = plots;
          o.to_html = html;
          figures = kenning::write_report(kenning::load_report_runs(inputs), o).figures;
        }));
      }
      std::sort(times.begin(), times.end());
      std::cout << fmt::format("| {} | {} | {} | {:.3f} |\n", name, runs, figures, times[times.size() / 2]);
    }
  }
  std::cout << "\nreports in " << out.string() << "/\n";
  return 0;
}
