// `kenning onnx-conversion`: exports each model from its source framework to
// every format it can write (ONNX, TorchScript), loads each export into every
// runtime that reads that format, runs the same inputs through all of them
// and compares with the model run natively: the support matrix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kenning {

struct ConversionModel {
  std::string wrapper;               // model wrapper class (registry name)
  std::filesystem::path model_path;  // empty: <work_dir>/<wrapper>/model.onnx
};

struct ConversionOptions {
  std::vector<ConversionModel> models;
  std::vector<std::string> runtimes;  // empty: every runtime built in
  std::filesystem::path work_dir;     // exports are written here
  std::int64_t batch_size = 2;
  std::uint64_t seed = 1;
  std::int64_t num_threads = 1;
};

// One (model, export format, runtime) cell. An export failure gives one row
// with an empty runtime; a format no runtime reads gives one row too.
struct ConversionResult {
  std::string model;
  std::string framework;  // "libtorch 1.13.0"
  std::string format;     // "onnx", "torchscript"
  bool exported = false;
  std::string runtime;  // empty when there is nothing to import
  bool imported = false;
  std::optional<double> max_abs_diff;    // against the native run
  std::optional<double> top1_agreement;  // share of rows with the same argmax
  std::string note;                      // why a step failed
};

// Runs the checks; failures of one cell are recorded in it and never stop
// the others. Throws ConfigError before any work for an unknown model or
// runtime class, IoError when work_dir cannot be created.
std::vector<ConversionResult> run_onnx_conversion(const ConversionOptions& options);

// The matrix as a Markdown table (with a legend) and as an RST list-table.
std::string conversion_markdown(const std::vector<ConversionResult>& results);
std::string conversion_rst(const std::vector<ConversionResult>& results);

}  // namespace kenning
