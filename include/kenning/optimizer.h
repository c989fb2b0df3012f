// Optimizer family: a compiler, quantizer or graph pass that turns one model
// file into another. Optimizers are chained; each reads the previous one's
// output and writes compiled_model_path() plus its I/O sidecar.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"
#include "kenning/dataset.h"

namespace kenning {

class Optimizer : public Plugin {
 public:
  virtual std::vector<std::string> input_formats() const = 0;
  virtual std::vector<std::string> output_formats() const = 0;
  virtual std::filesystem::path compiled_model_path() const = 0;
  // "host" or "target" (where the optimizer runs).
  virtual std::string location() const { return "host"; }
  virtual std::string framework() const = 0;
  virtual std::string framework_version() const = 0;

  // Compiles `input_model` (described by `spec`) into compiled_model_path(),
  // writes its sidecar and returns the new spec. `dataset` may be null; a
  // quantizer that needs calibration data throws ConfigError then.
  virtual IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                         const Dataset* dataset) = 0;

  // What the last compile() did (e.g. node counts and file sizes before and
  // after), merged into this optimizer's entry of the measurements; empty
  // before compile() or when the optimizer reports nothing.
  virtual nlohmann::json compile_report() const { return nlohmann::json::object(); }
};

}  // namespace kenning
