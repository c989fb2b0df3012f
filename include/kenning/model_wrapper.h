// ModelWrapper family: a model definition with its pre/post-processing,
// training and export to deployable formats.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"
#include "kenning/dataset.h"

namespace kenning {

struct EpochStats {
  int epoch = 0;
  double train_loss = 0;
  double train_accuracy = 0;
  double val_loss = 0;
  double val_accuracy = 0;
  double seconds = 0;
};

class ModelWrapper : public Plugin {
 public:
  // The model file this wrapper reads (and `train` writes).
  virtual std::filesystem::path model_path() const = 0;
  // "onnx", "torch", ... deduced from model_path().
  std::string model_format() const;

  // I/O of the model: its sidecar when present, otherwise the definition's.
  virtual IOSpec io_spec() const = 0;
  // The model's framework as upstream names it ("torch", "onnx"; written as
  // model_framework), not the library that runs it; and that library's version.
  virtual std::string framework() const = 0;
  virtual std::string framework_version() const = 0;
  // Formats this wrapper can write its model as, best first.
  virtual std::vector<std::string> output_formats() const = 0;

  // Dataset batch -> model inputs (normalisation, layout, quantisation).
  virtual std::vector<Tensor> preprocess(const Batch& batch) const = 0;
  // Raw model outputs -> predictions the dataset evaluates.
  virtual std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const = 0;

  // Trains on `dataset`'s train split (validating on its validation split),
  // saves the model to model_path() with its sidecar, returns per-epoch stats.
  virtual std::vector<EpochStats> train(const Dataset& dataset);
  // Writes the model as ONNX to `path` plus its I/O sidecar.
  virtual void save_to_onnx(const std::filesystem::path& path);
  // Writes the model as TorchScript to `path` plus its I/O sidecar
  // (base: NotSupported naming the class).
  virtual void save_to_torchscript(const std::filesystem::path& path);
  // Runs the model in its own framework (used when a scenario has no runtime).
  virtual std::vector<Tensor> run_inference(std::span<const TensorView> inputs);

  // The batch inputs preprocess() accepts, shapes with the leading batch
  // dimension (-1 = any size); datasets that synthesise inputs for the model
  // (RandomTensorDataset) follow it. Default: io_spec().input. Wrappers whose
  // preprocess changes layout or dtype override it.
  virtual std::vector<TensorSpec> preprocess_input_spec() const;
  // False when postprocess returns raw model outputs no dataset can score
  // (ONNXModel): `kenning test` then measures speed and skips evaluation.
  virtual bool outputs_predictions() const { return true; }
};

// Model format from a file name: ".onnx" -> "onnx", ".pt"/".pth" -> "torch",
// ".ts" -> "torchscript"; "" when unknown.
std::string model_format_from_path(const std::filesystem::path& path);

}  // namespace kenning
