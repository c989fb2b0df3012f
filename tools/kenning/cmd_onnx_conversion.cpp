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
#include "schema_flags.h"

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

struct ConversionFlags {
  std::vector<std::string> models = {"fashion_mnist_cnn=models/fashion-mnist-cnn.onnx", "mobilenet_v2", "resnet"};
  std::vector<std::string> runtimes;  // empty: every runtime built in
  fs::path output_dir;
  fs::path report_path;  // empty: OUTPUT_DIR/onnx-conversion.md
  fs::path rst_path;     // empty: OUTPUT_DIR/onnx-conversion.rst
  std::int64_t batch_size = ConversionOptions{}.batch_size;
  std::int64_t seed = static_cast<std::int64_t>(ConversionOptions{}.seed);
  std::int64_t num_threads = ConversionOptions{}.num_threads;
  static const ParamSchema<ConversionFlags>& schema() {
    static const auto s =
        ParamSchema<ConversionFlags>("onnx-conversion", "Options of `kenning onnx-conversion`")
            .field("models", &ConversionFlags::models,
                   "Model wrapper classes, each optionally =MODEL_PATH (weights beside it); without a path "
                   "the model is made in the output folder")
            .field("runtimes", &ConversionFlags::runtimes,
                   "Runtime classes to import into (default: every one built in)")
            .field("output_dir", &ConversionFlags::output_dir, "Folder for the exported models and the reports")
            .required()
            .field("report_path", &ConversionFlags::report_path,
                   "Markdown matrix (default: OUTPUT_DIR/onnx-conversion.md)")
            .field("rst_path", &ConversionFlags::rst_path, "RST matrix (default: OUTPUT_DIR/onnx-conversion.rst)")
            .field("batch_size", &ConversionFlags::batch_size, "Samples in the random input batch")
            .field("seed", &ConversionFlags::seed, "Seed of the random inputs")
            .at_least(0)
            .field("num_threads", &ConversionFlags::num_threads, "Threads of every runtime");
    return s;
  }
};

}  // namespace

int run_onnx_conversion(const std::vector<std::string>& args) {
  CLI::App app(
      "kenning onnx-conversion: export each model to ONNX and TorchScript, load every export into every "
      "runtime that reads it, run the same inputs and compare with the model run natively",
      "kenning onnx-conversion");
  SchemaFlags<ConversionFlags> conversion_flags(ConversionFlags::schema());
  conversion_flags.add_to(app);
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  const ConversionFlags flags = conversion_flags.values();

  ConversionOptions o;
  for (const auto& m : flags.models) o.models.push_back(parse_model(m));
  o.runtimes = flags.runtimes;
  o.work_dir = flags.output_dir;
  o.batch_size = flags.batch_size;
  o.seed = static_cast<std::uint64_t>(flags.seed);
  o.num_threads = flags.num_threads;
  const fs::path report_path = flags.report_path.empty() ? o.work_dir / "onnx-conversion.md" : flags.report_path;
  const fs::path rst_path = flags.rst_path.empty() ? o.work_dir / "onnx-conversion.rst" : flags.rst_path;

  const auto results = kenning::run_onnx_conversion(o);
  const std::string markdown = conversion_markdown(results);
  write_file_atomically(report_path, markdown);
  write_file_atomically(rst_path, conversion_rst(results));
  std::cout << markdown << "\nwritten: " << report_path.string() << ", " << rst_path.string() << "\n";
  return 0;
}

}  // namespace kenning::cli
