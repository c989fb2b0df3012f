// Dataset family: where samples and ground truth come from, and how
// predictions are scored.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/measurement/measurements.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"

namespace kenning {

enum class Split { Train, Validation, Test, Calibration };
const char* split_name(Split split);

// Samples stacked along a leading batch dimension.
struct Batch {
  std::vector<Tensor> inputs;   // e.g. float32 [n, 1, 28, 28]
  std::vector<Tensor> targets;  // e.g. int64 class labels [n]
  std::size_t size = 0;         // n
};

class Dataset : public Plugin {
 public:
  // Loads or generates the data. Throws IoError naming the file on missing,
  // truncated or malformed input. Must be called before anything below.
  virtual void prepare() = 0;

  virtual std::size_t size(Split split) const = 0;
  // Samples of `split` at `indices` (each < size(split)).
  virtual Batch gather(Split split, std::span<const std::size_t> indices) const = 0;
  // Samples [begin, begin + count) of `split`, clipped to its end.
  Batch batch(Split split, std::size_t begin, std::size_t count) const;

  virtual std::size_t inference_batch_size() const = 0;
  virtual std::vector<std::string> class_names() const = 0;
  // One sample's inputs, without the batch dimension.
  virtual std::vector<TensorSpec> sample_spec() const = 0;

  // Scores `predictions` (what ModelWrapper::postprocess returned for
  // `truth`) and accumulates the counts into `m` (e.g. eval_confusion_matrix,
  // top_5_count, total).
  virtual void evaluate(std::span<const Tensor> predictions, const Batch& truth, Measurements& m) const = 0;

  // False for datasets without targets (RandomTensorDataset): `kenning test`
  // then times the model but skips evaluate() and the quality metrics.
  virtual bool has_ground_truth() const { return true; }

  // True for datasets that generate inputs shaped like what the model wrapper
  // reads (RandomTensorDataset). The pipeline then calls use_model_inputs()
  // with ModelWrapper::preprocess_input_spec() before prepare(); each spec's
  // shape includes the leading batch dimension (-1 = any size).
  virtual bool shapes_inputs_from_model() const { return false; }
  virtual void use_model_inputs(const std::vector<TensorSpec>& inputs) { (void)inputs; }
};

}  // namespace kenning
