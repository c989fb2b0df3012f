// `kenning onnx-conversion`: the support matrix of model x export format x
// runtime (see src/scenarios/onnx_conversion.h), as Markdown and RST.
//
//   kenning onnx-conversion [--models fashion_mnist_cnn=models/fashion-mnist-cnn.onnx mobilenet_v2 resnet]
//                           [--runtimes ONNXExecRuntime OpenCVRuntime PyTorchRuntime]
//                           --output-dir DIR [--report-path DIR/onnx-conversion.md]
//                           [--rst-path DIR/onnx-conversion.rst] [--batch-size 2] [--seed 1] [--num-threads 1]
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "command_line.h"
#include "commands.h"
#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "scenarios/onnx_conversion.h"

namespace kenning::cli {

namespace fs = std::filesystem;

namespace {

// "name" or "name=path/to/model" (a model file whose weights sit beside it).
ConversionModel parse_model(const std::string& text) {
  const auto eq = text.find('=');
  ConversionModel m;
  m.wrapper = text.substr(0, eq);
  if (eq != std::string::npos) {
    m.model_path = text.substr(eq + 1);
    if (m.model_path.empty()) throw ConfigError("--models " + text + ": empty model path after '='");
  }
  return m;
}

}  // namespace

int run_onnx_conversion(const std::vector<std::string>& args) {
  CLI::App app(
      "kenning onnx-conversion: export each model to ONNX and TorchScript, load every export into every "
      "runtime that reads it, run the same inputs and compare with the model run natively");
  std::vector<std::string> models = {"fashion_mnist_cnn=models/fashion-mnist-cnn.onnx", "mobilenet_v2", "resnet"};
  ConversionOptions o;
  fs::path report_path, rst_path;
  app.add_option("--models", models,
                 "Model wrapper classes, each optionally =MODEL_PATH (weights beside it); without a path "
                 "the model is made in the output folder")
      ->capture_default_str();
  app.add_option("--runtimes", o.runtimes, "Runtime classes to import into (default: every one built in)");
  app.add_option("--output-dir", o.work_dir, "Folder for the exported models and the reports")->required();
  app.add_option("--report-path", report_path, "Markdown matrix (default: OUTPUT_DIR/onnx-conversion.md)");
  app.add_option("--rst-path", rst_path, "RST matrix (default: OUTPUT_DIR/onnx-conversion.rst)");
  app.add_option("--batch-size", o.batch_size, "Samples in the random input batch")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the random inputs")->capture_default_str();
  app.add_option("--num-threads", o.num_threads, "Threads of every runtime")->capture_default_str();
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;

  for (const auto& m : models) o.models.push_back(parse_model(m));
  if (report_path.empty()) report_path = o.work_dir / "onnx-conversion.md";
  if (rst_path.empty()) rst_path = o.work_dir / "onnx-conversion.rst";

  const auto results = kenning::run_onnx_conversion(o);
  const std::string markdown = conversion_markdown(results);
  write_file_atomically(report_path, markdown);
  write_file_atomically(rst_path, conversion_rst(results));
  std::cout << markdown << "\nwritten: " << report_path.string() << ", " << rst_path.string() << "\n";
  return 0;
}

}  // namespace kenning::cli
