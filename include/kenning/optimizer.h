// Optimizer family: a compiler, quantizer or graph pass that turns one model
// file into another. Optimizers are chained; each reads the previous one's
// output and writes compiled_model_path() plus its I/O sidecar.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/params.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"

namespace kenning {

class Dataset;

// Model inputs a quantizer calibrates on: samples of the dataset's
// calibration split, preprocessed by the model wrapper exactly as for
// inference, so the ranges seen are the ones the model will get.
class CalibrationData {
 public:
  virtual ~CalibrationData() = default;
  // Samples available.
  virtual std::size_t size() const = 0;
  // The preprocessed model inputs of samples [begin, begin + count), each
  // with a leading batch dimension.
  virtual std::vector<Tensor> inputs(std::size_t begin, std::size_t count) const = 0;
  // Where the samples come from, for messages ("FashionMNISTDataset, calibration split").
  virtual std::string describe() const = 0;
  // The prepared dataset itself, for optimizers that fine-tune on its train
  // split (pruning); null when the samples do not come from a dataset.
  virtual const Dataset* dataset() const { return nullptr; }
};

// Where an optimizer runs: on the host, or on the target (`kenning server`,
// through the protocol block). Every optimizer's `location` parameter.
enum class OptimizerLocation { Host, Target };
inline constexpr EnumName<OptimizerLocation> kOptimizerLocationNames[] = {
    {OptimizerLocation::Host, "host"},
    {OptimizerLocation::Target, "target"},
};

class Optimizer : public Plugin {
 public:
  virtual std::vector<std::string> input_formats() const = 0;
  virtual std::vector<std::string> output_formats() const = 0;
  virtual std::filesystem::path compiled_model_path() const = 0;
  virtual OptimizerLocation location() const { return OptimizerLocation::Host; }
  virtual std::string framework() const = 0;
  virtual std::string framework_version() const = 0;

  // Compiles `input_model` (described by `spec`) into compiled_model_path(),
  // writes its sidecar and returns the new spec. `calibration` may be null;
  // a quantizer that needs calibration data throws ConfigError then.
  virtual IOSpec compile(const std::filesystem::path& input_model, const IOSpec& spec,
                         const CalibrationData* calibration) = 0;

  // Checks what compile() will need from `calibration` (present, large
  // enough) so that a chain fails before its first optimizer runs; throws
  // ConfigError naming the class and what is missing.
  virtual void check_calibration(const CalibrationData* calibration) const { (void)calibration; }

  // What the last compile() did (e.g. node counts and file sizes before and
  // after), merged into this optimizer's entry of the measurements; empty
  // before compile() or when the optimizer reports nothing.
  virtual nlohmann::json compile_report() const { return nlohmann::json::object(); }
};

}  // namespace kenning
