#include "datasets/random_dataset.h"

#include "datasets/classification_eval.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

// SplitMix64: a tiny generator whose output is fixed by its definition, so
// the data is the same with every compiler and standard library.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// An independent stream per (seed, split, sample).
SplitMix64 sample_stream(std::uint64_t seed, Split split, std::size_t index) {
  SplitMix64 mix{seed};
  mix.state ^= SplitMix64{static_cast<std::uint64_t>(split) + 1}.next();
  mix.state ^= SplitMix64{~static_cast<std::uint64_t>(index)}.next() * 3;
  mix.next();
  return mix;
}

}  // namespace

const ParamSchema<RandomizedClassificationDataset::Params>& RandomizedClassificationDataset::schema() {
  static const auto s = ParamSchema<Params>("RandomizedClassificationDataset",
                                            "Reproducible random inputs and labels, for tests and benchmarks")
                            .field("samples", &Params::samples, "Samples in every split")
                            .at_least(1)
                            .field("input_shape", &Params::input_shape, "Shape of one sample (without batch)")
                            .field("num_classes", &Params::num_classes, "Number of classes")
                            .at_least(2)
                            .field("seed", &Params::seed, "Seed of the generated data")
                            .field("inference_batch_size", &Params::inference_batch_size, "Samples per inference batch")
                            .at_least(1);
  return s;
}

RandomizedClassificationDataset::RandomizedClassificationDataset(const Params& p)
    : samples_(static_cast<std::size_t>(p.samples)),
      input_shape_(p.input_shape),
      sample_elements_(1),
      num_classes_(static_cast<std::size_t>(p.num_classes)),
      seed_(static_cast<std::uint64_t>(p.seed)),
      batch_size_(static_cast<std::size_t>(p.inference_batch_size)) {
  schema().check(p);
  const std::string who = "RandomizedClassificationDataset";
  // The schema checks scalars; list items and the product are checked here.
  if (input_shape_.empty()) throw ConfigError(who + ": input_shape: expected a non-empty list of integers >= 1");
  std::int64_t elements = 1;
  for (std::int64_t d : input_shape_) {
    if (d < 1) {
      throw ConfigError(who + ": input_shape: expected integers >= 1, got " + shape_to_string(input_shape_));
    }
    if (d > kMaxSampleElements || elements * d > kMaxSampleElements) {
      throw ConfigError(who + ": input_shape: " + shape_to_string(input_shape_) + " exceeds " +
                        std::to_string(kMaxSampleElements) + " elements per sample");
    }
    elements *= d;
  }
  sample_elements_ = static_cast<std::size_t>(elements);
}

std::size_t RandomizedClassificationDataset::size(Split) const { return samples_; }

Batch RandomizedClassificationDataset::gather(Split split, std::span<const std::size_t> indices) const {
  Shape shape{static_cast<std::int64_t>(indices.size())};
  shape.insert(shape.end(), input_shape_.begin(), input_shape_.end());
  Tensor inputs(DType::Float32, shape);
  Tensor targets(DType::Int64, {static_cast<std::int64_t>(indices.size())});
  auto values = inputs.data<float>();
  auto labels = targets.data<std::int64_t>();
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= samples_) {
      throw ConfigError("RandomizedClassificationDataset: sample " + std::to_string(indices[k]) + " of the " +
                        split_name(split) + " split requested, it has " + std::to_string(samples_));
    }
    SplitMix64 rng = sample_stream(seed_, split, indices[k]);
    labels[k] = static_cast<std::int64_t>(rng.next() % num_classes_);
    // Top 24 bits -> exactly representable floats in [0, 1).
    for (std::size_t e = 0; e < sample_elements_; ++e) {
      values[k * sample_elements_ + e] = static_cast<float>(rng.next() >> 40) * 0x1.0p-24f;
    }
  }
  Batch batch;
  batch.size = indices.size();
  batch.inputs.push_back(std::move(inputs));
  batch.targets.push_back(std::move(targets));
  return batch;
}

std::vector<std::string> RandomizedClassificationDataset::class_names() const {
  std::vector<std::string> names;
  for (std::size_t c = 0; c < num_classes_; ++c) names.push_back("class_" + std::to_string(c));
  return names;
}

std::vector<TensorSpec> RandomizedClassificationDataset::sample_spec() const {
  TensorSpec spec;
  spec.name = "input";
  spec.shape = input_shape_;
  spec.dtype = DType::Float32;
  return {spec};
}

void RandomizedClassificationDataset::evaluate(std::span<const Tensor> predictions, const Batch& truth,
                                               Measurements& m) const {
  evaluate_classification(predictions, truth, num_classes_, m, "RandomizedClassificationDataset");
}

}  // namespace kenning
