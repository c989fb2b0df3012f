// Randomised classification data for tests and benchmarks: no files, every
// sample computed on demand from (seed, split, index), so any sample of any
// split is reproducible without storing the data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/dataset.h"

namespace kenning {

class RandomizedClassificationDataset : public Dataset {
 public:
  struct Params {
    std::int64_t samples = 1000;
    std::vector<std::int64_t> input_shape{1, 28, 28};
    std::int64_t num_classes = 10;
    std::int64_t seed = 12345;
    std::int64_t inference_batch_size = 1;
  };
  static const ParamSchema<Params>& schema();
  explicit RandomizedClassificationDataset(const Params& params);

  // Largest accepted sample, in elements, so a typo in input_shape cannot
  // request gigabytes per sample.
  static constexpr std::int64_t kMaxSampleElements = std::int64_t{1} << 24;

  void prepare() override {}
  std::size_t size(Split split) const override;
  Batch gather(Split split, std::span<const std::size_t> indices) const override;
  std::size_t inference_batch_size() const override { return batch_size_; }
  std::vector<std::string> class_names() const override;
  std::vector<TensorSpec> sample_spec() const override;
  void evaluate(std::span<const Tensor> predictions, const Batch& truth, Measurements& m) const override;

 private:
  std::size_t samples_;
  Shape input_shape_;
  std::size_t sample_elements_;
  std::size_t num_classes_;
  std::uint64_t seed_;
  std::size_t batch_size_;
};

}  // namespace kenning
