// RandomTensorDataset: reproducible random inputs for any model, for speed
// runs of models that come without data. Without targets: `kenning test`
// times every batch and skips quality metrics.
//
// The inputs follow the model wrapper: the pipeline hands this dataset
// ModelWrapper::preprocess_input_spec() (every input, its dtype and shape).
// The leading dimension is the batch: a free one takes inference_batch_size,
// a fixed one is the batch size. Other free dimensions must be given with
// `input_shapes` (one sample's shape per input, dims joined by 'x', e.g.
// "3x224x224"), which may also be used alone, with `input_dtypes`, when no
// model wrapper is present.
//
// Values: float types uniform in [float_low, float_high), integer types
// uniform in [int_low, int_high). Every sample is computed from (seed,
// split, index, input), so any sample is reproducible without storing data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/dataset.h"

namespace kenning {

class RandomTensorDataset : public Dataset {
 public:
  struct Params {
    std::int64_t samples = 1000;
    std::vector<std::string> input_shapes;
    std::vector<std::string> input_dtypes;
    std::int64_t inference_batch_size = 0;
    std::int64_t seed = 12345;
    double float_low = 0.0;
    double float_high = 1.0;
    std::int64_t int_low = 0;
    std::int64_t int_high = 10;
  };
  static const ParamSchema<Params>& schema();
  // Throws ConfigError naming the parameter on a bad value.
  explicit RandomTensorDataset(const Params& params);

  // Largest accepted sample (all inputs), in elements.
  static constexpr std::int64_t kMaxSampleElements = std::int64_t{1} << 26;

  bool shapes_inputs_from_model() const override { return true; }
  // Resolves every input's sample shape, dtype and the batch size against
  // the model's inputs; throws ConfigError naming the input and parameter.
  void use_model_inputs(const std::vector<TensorSpec>& inputs) override;

  // Throws ConfigError when neither a model nor input_shapes gave the inputs.
  void prepare() override;
  std::size_t size(Split split) const override;
  Batch gather(Split split, std::span<const std::size_t> indices) const override;
  std::size_t inference_batch_size() const override;
  std::vector<std::string> class_names() const override { return {}; }
  std::vector<TensorSpec> sample_spec() const override;
  bool has_ground_truth() const override { return false; }
  // Throws NotSupported: there are no targets to score against.
  void evaluate(std::span<const Tensor> predictions, const Batch& truth, Measurements& m) const override;

  // "3x224x224" -> {3, 224, 224}; throws ConfigError naming `where`.
  static Shape parse_shape(const std::string& text, const std::string& where);

 private:
  void resolve_from_params();
  void check_sizes() const;

  Params params_;
  std::vector<Shape> given_shapes_;       // parsed input_shapes
  std::vector<DType> given_dtypes_;       // parsed input_dtypes
  std::vector<TensorSpec> samples_spec_;  // resolved, without the batch dimension
  std::size_t batch_size_ = 1;
  bool resolved_ = false;
};

}  // namespace kenning
