#include "datasets/random_tensor_dataset.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kenning/core/error.h"
#include "kenning/core/float16.h"

namespace kenning {

namespace {

constexpr const char* kClass = "RandomTensorDataset";

// SplitMix64: output fixed by its definition, so the data is the same with
// every compiler and standard library.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 24 random bits (exact in float).
  double unit() { return static_cast<double>(next() >> 40) * 0x1.0p-24; }
};

// An independent stream per (seed, split, sample, input).
SplitMix64 sample_stream(std::uint64_t seed, Split split, std::size_t index, std::size_t input) {
  SplitMix64 mix{seed};
  mix.state ^= SplitMix64{static_cast<std::uint64_t>(split) + 1}.next();
  mix.state ^= SplitMix64{~static_cast<std::uint64_t>(index)}.next() * 3;
  mix.state ^= SplitMix64{static_cast<std::uint64_t>(input) * 0x100000001B3ull + 7}.next() * 5;
  mix.next();
  return mix;
}

std::string join_shapes(const std::vector<TensorSpec>& specs) {
  std::string s;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    s += (i ? ", " : "") + std::string("'") + specs[i].name + "' " + shape_to_string(specs[i].shape);
  }
  return s;
}

}  // namespace

const ParamSchema<RandomTensorDataset::Params>& RandomTensorDataset::schema() {
  static const auto s = ParamSchema<Params>(kClass,
                                            "Reproducible random inputs shaped like the model's (no targets: "
                                            "performance only), for speed runs of any model")
                            .field("samples", &Params::samples, "Samples in every split")
                            .at_least(1)
                            .field("input_shapes", &Params::input_shapes,
                                   "One sample's shape per model input, without the batch dimension, dims joined "
                                   "by 'x' (e.g. 3x224x224); fills the model's free dimensions. Empty: the model's")
                            .field("input_dtypes", &Params::input_dtypes,
                                   "dtype per input (float32, float16, int8, uint8, int32, int64). Empty: the "
                                   "model's, or float32 without a model")
                            .field("inference_batch_size", &Params::inference_batch_size,
                                   "Samples per inference batch; 0: the model's fixed batch size, else 1")
                            .at_least(0)
                            .field("seed", &Params::seed, "Seed of the generated data")
                            .field("float_low", &Params::float_low, "Lower bound of float values")
                            .field("float_high", &Params::float_high, "Upper bound (exclusive) of float values")
                            .field("int_low", &Params::int_low, "Lower bound of integer values")
                            .field("int_high", &Params::int_high, "Upper bound (exclusive) of integer values");
  return s;
}

Shape RandomTensorDataset::parse_shape(const std::string& text, const std::string& where) {
  Shape shape;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find_first_of("xX", pos), text.size());
    const std::string item = text.substr(pos, end - pos);
    std::size_t used = 0;
    long long dim = 0;
    try {
      dim = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || dim < 1) {
      throw ConfigError(where + ": expected dimensions >= 1 joined by 'x' (e.g. 3x224x224), got '" + text + "'");
    }
    shape.push_back(dim);
    pos = end + 1;
  }
  return shape;
}

RandomTensorDataset::RandomTensorDataset(const Params& p) : params_(p) {
  schema().check(p);
  const std::string who = kClass;
  // The schema checks each value; how they relate is checked here.
  if (!std::isfinite(p.float_low) || !std::isfinite(p.float_high) || !(p.float_low < p.float_high)) {
    throw ConfigError(who + ": float_low/float_high: expected finite float_low < float_high, got " +
                      std::to_string(p.float_low) + " and " + std::to_string(p.float_high));
  }
  if (!(p.int_low < p.int_high)) {
    throw ConfigError(who + ": int_low/int_high: expected int_low < int_high, got " + std::to_string(p.int_low) +
                      " and " + std::to_string(p.int_high));
  }
  for (std::size_t i = 0; i < p.input_shapes.size(); ++i) {
    given_shapes_.push_back(parse_shape(p.input_shapes[i], who + ": input_shapes[" + std::to_string(i) + "]"));
  }
  for (std::size_t i = 0; i < p.input_dtypes.size(); ++i) {
    given_dtypes_.push_back(parse_dtype(p.input_dtypes[i], who + ": input_dtypes[" + std::to_string(i) + "]"));
  }
  if (!given_dtypes_.empty() && !given_shapes_.empty() && given_dtypes_.size() != given_shapes_.size()) {
    throw ConfigError(who + ": input_dtypes lists " + std::to_string(given_dtypes_.size()) + " dtypes, input_shapes " +
                      std::to_string(given_shapes_.size()) + " shapes");
  }
  if (!given_shapes_.empty()) resolve_from_params();
}

void RandomTensorDataset::resolve_from_params() {
  samples_spec_.clear();
  for (std::size_t i = 0; i < given_shapes_.size(); ++i) {
    TensorSpec spec;
    spec.name = given_shapes_.size() == 1 ? "input" : "input_" + std::to_string(i);
    spec.shape = given_shapes_[i];
    spec.dtype = given_dtypes_.empty() ? DType::Float32 : given_dtypes_[i];
    samples_spec_.push_back(std::move(spec));
  }
  batch_size_ = params_.inference_batch_size > 0 ? static_cast<std::size_t>(params_.inference_batch_size) : 1;
  check_sizes();
  resolved_ = true;
}

void RandomTensorDataset::use_model_inputs(const std::vector<TensorSpec>& inputs) {
  const std::string who = kClass;
  if (inputs.empty()) throw ConfigError(who + ": the model wrapper lists no inputs to generate");
  const std::string model_inputs = "the model's inputs are " + join_shapes(inputs);
  if (!given_shapes_.empty() && given_shapes_.size() != inputs.size()) {
    throw ConfigError(who + ": input_shapes lists " + std::to_string(given_shapes_.size()) + " shapes, the model has " +
                      std::to_string(inputs.size()) + " inputs; " + model_inputs);
  }
  if (!given_dtypes_.empty() && given_dtypes_.size() != inputs.size()) {
    throw ConfigError(who + ": input_dtypes lists " + std::to_string(given_dtypes_.size()) + " dtypes, the model has " +
                      std::to_string(inputs.size()) + " inputs; " + model_inputs);
  }
  std::vector<TensorSpec> resolved;
  std::int64_t fixed_batch = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec& in = inputs[i];
    const std::string name = "input '" + in.name + "' " + shape_to_string(in.shape);
    if (in.shape.empty()) {
      throw ConfigError(who + ": " + name +
                        " has no batch dimension; random_tensors stacks samples along "
                        "the first dimension");
    }
    const std::int64_t batch = in.shape[0];
    if (batch > 0) {
      if (fixed_batch > 0 && batch != fixed_batch) {
        throw ConfigError(who + ": the model's inputs have different fixed batch sizes: " + join_shapes(inputs));
      }
      fixed_batch = batch;
    }
    TensorSpec sample = in;
    sample.shape.assign(in.shape.begin() + 1, in.shape.end());
    if (!given_shapes_.empty()) {
      const Shape& given = given_shapes_[i];
      bool fits = given.size() == sample.shape.size();
      for (std::size_t d = 0; fits && d < given.size(); ++d) {
        fits = sample.shape[d] < 0 || sample.shape[d] == given[d];
      }
      if (!fits) {
        throw ConfigError(who + ": input_shapes[" + std::to_string(i) + "] " + shape_to_string(given) +
                          " does not fit model " + name +
                          " (one sample, without the batch dimension: " + shape_to_string(sample.shape) + ")");
      }
      sample.shape = given;
    } else {
      for (std::int64_t d : sample.shape) {
        if (d < 0) {
          throw ConfigError(who + ": model " + name +
                            " has free dimensions besides the batch; give one "
                            "sample's shape with input_shapes (one entry per input, e.g. \"3x224x224\")");
        }
      }
    }
    if (!given_dtypes_.empty() && given_dtypes_[i] != in.dtype) {
      throw ConfigError(who + ": input_dtypes[" + std::to_string(i) + "] is " +
                        std::string(dtype_name(given_dtypes_[i])) + ", model " + name + " is " +
                        std::string(dtype_name(in.dtype)));
    }
    resolved.push_back(std::move(sample));
  }
  std::size_t batch_size = 1;
  if (fixed_batch > 0) {
    if (params_.inference_batch_size > 0 && params_.inference_batch_size != fixed_batch) {
      throw ConfigError(who + ": inference_batch_size is " + std::to_string(params_.inference_batch_size) +
                        ", the model's batch dimension is fixed to " + std::to_string(fixed_batch) + "; " +
                        model_inputs);
    }
    if (params_.samples % fixed_batch != 0) {
      throw ConfigError(who + ": samples (" + std::to_string(params_.samples) +
                        ") must be a multiple of the model's fixed batch size " + std::to_string(fixed_batch));
    }
    batch_size = static_cast<std::size_t>(fixed_batch);
  } else if (params_.inference_batch_size > 0) {
    batch_size = static_cast<std::size_t>(params_.inference_batch_size);
  }
  samples_spec_ = std::move(resolved);
  batch_size_ = batch_size;
  check_sizes();
  resolved_ = true;
}

void RandomTensorDataset::check_sizes() const {
  for (std::size_t i = 0; i < samples_spec_.size(); ++i) {
    std::int64_t lo = 0, hi = 0;  // inclusive range of the dtype
    switch (samples_spec_[i].dtype) {
      case DType::Int8:
        lo = -128, hi = 127;
        break;
      case DType::UInt8:
        lo = 0, hi = 255;
        break;
      case DType::Int32:
        lo = INT32_MIN, hi = INT32_MAX;
        break;
      default:
        continue;
    }
    if (params_.int_low < lo || params_.int_high - 1 > hi) {
      throw ConfigError(std::string(kClass) + ": int_low/int_high: [" + std::to_string(params_.int_low) + ", " +
                        std::to_string(params_.int_high) + ") does not fit " +
                        std::string(dtype_name(samples_spec_[i].dtype)) + " input '" + samples_spec_[i].name + "'");
    }
  }
  std::int64_t elements = 0;
  for (const auto& spec : samples_spec_) {
    std::int64_t n = 1;
    for (std::int64_t d : spec.shape) {
      if (d > kMaxSampleElements || n * d > kMaxSampleElements) {
        n = kMaxSampleElements + 1;
        break;
      }
      n *= d;
    }
    elements += n;
    if (elements > kMaxSampleElements) {
      throw ConfigError(std::string(kClass) + ": one sample (" + join_shapes(samples_spec_) + ") exceeds " +
                        std::to_string(kMaxSampleElements) + " elements");
    }
  }
}

void RandomTensorDataset::prepare() {
  if (!resolved_) {
    throw ConfigError(std::string(kClass) +
                      ": no inputs to generate: give input_shapes (and input_dtypes), or use it with a "
                      "model wrapper (e.g. ONNXModel) whose inputs it then follows");
  }
}

std::size_t RandomTensorDataset::size(Split) const { return static_cast<std::size_t>(params_.samples); }

std::size_t RandomTensorDataset::inference_batch_size() const { return batch_size_; }

std::vector<TensorSpec> RandomTensorDataset::sample_spec() const { return samples_spec_; }

Batch RandomTensorDataset::gather(Split split, std::span<const std::size_t> indices) const {
  if (!resolved_) throw ConfigError(std::string(kClass) + ": gather before its inputs are known (see prepare)");
  const auto n = static_cast<std::int64_t>(indices.size());
  for (std::size_t index : indices) {
    if (index >= size(split)) {
      throw ConfigError(std::string(kClass) + ": sample " + std::to_string(index) + " of the " + split_name(split) +
                        " split requested, it has " + std::to_string(size(split)));
    }
  }
  const auto seed = static_cast<std::uint64_t>(params_.seed);
  const double flo = params_.float_low;
  const double fspan = params_.float_high - params_.float_low;
  const auto ispan = static_cast<std::uint64_t>(params_.int_high - params_.int_low);
  Batch batch;
  batch.size = indices.size();
  for (std::size_t i = 0; i < samples_spec_.size(); ++i) {
    const TensorSpec& spec = samples_spec_[i];
    Shape shape{n};
    shape.insert(shape.end(), spec.shape.begin(), spec.shape.end());
    Tensor t(spec.dtype, shape);
    const auto per_sample = static_cast<std::size_t>(shape_numel(spec.shape));
    const std::size_t item = dtype_size(spec.dtype);
    std::byte* out = t.bytes().data();
    for (std::size_t k = 0; k < indices.size(); ++k) {
      SplitMix64 rng = sample_stream(seed, split, indices[k], i);
      for (std::size_t e = 0; e < per_sample; ++e, out += item) {
        auto integer = [&] { return params_.int_low + static_cast<std::int64_t>(rng.next() % ispan); };
        switch (spec.dtype) {
          case DType::Float32: {
            const float v = static_cast<float>(flo + fspan * rng.unit());
            std::memcpy(out, &v, sizeof v);
            break;
          }
          case DType::Float16: {
            const std::uint16_t v = float_to_half(static_cast<float>(flo + fspan * rng.unit()));
            std::memcpy(out, &v, sizeof v);
            break;
          }
          case DType::Int8: {
            const auto v = static_cast<std::int8_t>(integer());
            std::memcpy(out, &v, sizeof v);
            break;
          }
          case DType::UInt8: {
            const auto v = static_cast<std::uint8_t>(integer());
            std::memcpy(out, &v, sizeof v);
            break;
          }
          case DType::Int32: {
            const auto v = static_cast<std::int32_t>(integer());
            std::memcpy(out, &v, sizeof v);
            break;
          }
          case DType::Int64: {
            const std::int64_t v = integer();
            std::memcpy(out, &v, sizeof v);
            break;
          }
        }
      }
    }
    batch.inputs.push_back(std::move(t));
  }
  return batch;
}

void RandomTensorDataset::evaluate(std::span<const Tensor>, const Batch&, Measurements&) const {
  throw NotSupported(std::string(kClass) + " has no targets: its data can time a model, not score it");
}

}  // namespace kenning
