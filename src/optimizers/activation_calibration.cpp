#include "optimizers/activation_calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <ATen/ATen.h>

#include "onnx_exec/executor.h"
#include "onnx_exec/graph.h"
#include "onnx_exec/tensor_proto.h"
#include "kenning/core/error.h"

namespace kenning {
namespace {

// The model with every requested intermediate tensor also a graph output,
// so one run returns them all.
onnx::ModelProto with_outputs(const onnx::ModelProto& model, const std::vector<std::string>& tensors) {
  onnx::ModelProto m = model;
  onnx::GraphProto& g = *m.mutable_graph();
  std::set<std::string> present;
  for (const auto& v : g.input()) present.insert(v.name());
  for (const auto& v : g.output()) present.insert(v.name());
  for (const auto& name : tensors) {
    if (present.count(name)) continue;
    onnx::ValueInfoProto* v = g.add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    present.insert(name);
  }
  return m;
}

// Where each requested tensor is found in a run: a graph input or an output.
struct Source {
  bool is_input = false;
  std::size_t index = 0;
};

constexpr int kHistogramBins = 2048;

struct Accumulator {
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  std::vector<std::int64_t> histogram;  // of |x| over [0, max |x| of pass 1]

  void add_range(const at::Tensor& t) {
    const auto [lo, hi] = at::aminmax(t);
    min = std::min(min, lo.item<float>());
    max = std::max(max, hi.item<float>());
  }
  float abs_max() const { return std::max(std::abs(min), std::abs(max)); }
  void add_histogram(const at::Tensor& t) {
    const float top = abs_max();
    if (top <= 0.0f) return;
    const at::Tensor h = at::histc(t.abs(), kHistogramBins, 0.0, top).to(at::kLong);
    if (histogram.empty()) histogram.assign(kHistogramBins, 0);
    const auto* counts = h.data_ptr<std::int64_t>();
    for (int b = 0; b < kHistogramBins; ++b) histogram[b] += counts[b];
  }
  TensorRange range(RangeMethod method, double percentile) const {
    if (method == RangeMethod::MinMax || histogram.empty()) return {min, max};
    std::int64_t total = 0;
    for (auto c : histogram) total += c;
    const double wanted = percentile / 100.0 * static_cast<double>(total);
    std::int64_t seen = 0;
    int bin = kHistogramBins - 1;
    for (int b = 0; b < kHistogramBins; ++b) {
      seen += histogram[b];
      if (static_cast<double>(seen) >= wanted) {
        bin = b;
        break;
      }
    }
    const float clip = abs_max() * static_cast<float>(bin + 1) / kHistogramBins;
    return {std::max(min, -clip), std::min(max, clip)};
  }
};

}  // namespace

std::map<std::string, TensorRange> calibrate_ranges(const onnx::ModelProto& model,
                                                    const std::filesystem::path& model_file,
                                                    const std::vector<std::string>& tensors,
                                                    const CalibrationData& data, const CalibrationOptions& options) {
  const std::string where = "calibration of '" + model_file.string() + "' on " + data.describe();
  if (options.samples == 0) throw ConfigError(where + ": calibration_samples must be at least 1");
  const std::size_t available = data.size();
  if (available == 0) throw ConfigError(where + ": the calibration set is empty");
  if (available < options.samples) {
    throw ConfigError(where + ": " + std::to_string(options.samples) + " calibration samples asked, the set has only " +
                      std::to_string(available));
  }

  const onnx::ModelProto augmented = with_outputs(model, tensors);
  onnx_exec::Executor executor = onnx_exec::Executor::from_graph(onnx_exec::build_graph(augmented, model_file));
  std::vector<Source> sources;
  for (const auto& name : tensors) {
    Source s;
    bool found = false;
    for (std::size_t i = 0; i < executor.inputs().size() && !found; ++i) {
      if (executor.inputs()[i].name == name) s = {true, i}, found = true;
    }
    for (std::size_t i = 0; i < executor.outputs().size() && !found; ++i) {
      if (executor.outputs()[i].name == name) s = {false, i}, found = true;
    }
    if (!found) throw BackendError(where + ": tensor '" + name + "' is not in the model");
    sources.push_back(s);
  }

  // A model that fixes its batch dimension gets batches of exactly that size.
  std::size_t batch = std::max<std::size_t>(options.batch_size, 1);
  const auto& first = executor.inputs().front();
  const bool fixed_batch = first.ranked && !first.shape.empty() && first.shape[0] > 0;
  if (fixed_batch) batch = static_cast<std::size_t>(first.shape[0]);

  std::vector<Accumulator> acc(tensors.size());
  const int passes = options.method == RangeMethod::Percentile ? 2 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    for (std::size_t begin = 0; begin < options.samples; begin += batch) {
      const std::size_t count = std::min(batch, options.samples - begin);
      if (fixed_batch && count != batch) break;  // a partial batch would not fit
      const std::vector<Tensor> inputs = data.inputs(begin, count);
      if (inputs.size() != executor.inputs().size()) {
        throw ConfigError(where + ": the samples have " + std::to_string(inputs.size()) + " input tensors, the model " +
                          std::to_string(executor.inputs().size()));
      }
      std::vector<at::Tensor> feed;
      for (const auto& t : inputs) feed.push_back(onnx_exec::aten_copy(t.view()));
      std::vector<at::Tensor> outs;
      try {
        outs = executor.run(feed);
      } catch (const Error& e) {
        throw ConfigError(where + ": " + e.what());
      }
      for (std::size_t k = 0; k < tensors.size(); ++k) {
        const at::Tensor& t = sources[k].is_input ? feed[sources[k].index] : outs[sources[k].index];
        if (t.numel() == 0) continue;
        const at::Tensor f = t.to(at::kFloat);
        if (pass == 0)
          acc[k].add_range(f);
        else
          acc[k].add_histogram(f);
      }
    }
  }
  std::map<std::string, TensorRange> ranges;
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    if (!std::isfinite(acc[k].min) || !std::isfinite(acc[k].max)) {
      throw BackendError(where + ": tensor '" + tensors[k] + "' took no finite values (range " +
                         std::to_string(acc[k].min) + " .. " + std::to_string(acc[k].max) + ")");
    }
    ranges[tensors[k]] = acc[k].range(options.method, options.percentile);
  }
  return ranges;
}

}  // namespace kenning
