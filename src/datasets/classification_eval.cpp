#include "datasets/classification_eval.h"

#include <cstdint>
#include <vector>

#include "kenning/core/error.h"
#include "kenning/measurement/metrics.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

// A counter already in `m` must be a non-negative integer; absent means 0.
std::int64_t read_counter(const Measurements& m, const std::string& key, const std::string& who) {
  if (!m.contains(key)) return 0;
  const auto& v = m.at(key);
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
    throw ConfigError(who + ": measurement '" + key + "' should be a non-negative integer, found " + v.dump());
  }
  return v.get<std::int64_t>();
}

ConfusionMatrix read_matrix(const Measurements& m, std::size_t num_classes, const std::string& who) {
  const std::string key = "eval_confusion_matrix";
  if (!m.contains(key)) return ConfusionMatrix(num_classes, std::vector<std::int64_t>(num_classes, 0));
  const auto& j = m.at(key);
  const std::string expected = who + ": measurement '" + key + "' should be a " + std::to_string(num_classes) + "x" +
                               std::to_string(num_classes) + " matrix of non-negative integers";
  if (!j.is_array() || j.size() != num_classes) {
    throw ConfigError(expected + ", found " + (j.is_array() ? std::to_string(j.size()) + " rows" : j.type_name()));
  }
  ConfusionMatrix matrix;
  for (std::size_t r = 0; r < num_classes; ++r) {
    const auto& row = j[r];
    if (!row.is_array() || row.size() != num_classes) {
      throw ConfigError(expected + ", row " + std::to_string(r) + " is " + row.dump());
    }
    auto& out = matrix.emplace_back();
    for (const auto& v : row) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
        throw ConfigError(expected + ", row " + std::to_string(r) + " holds " + v.dump());
      }
      out.push_back(v.get<std::int64_t>());
    }
  }
  return matrix;
}

}  // namespace

void evaluate_classification(std::span<const Tensor> predictions, const Batch& truth, std::size_t num_classes,
                             Measurements& m, const std::string& who) {
  if (predictions.empty()) throw ConfigError(who + ": evaluate() got no prediction tensors");
  if (truth.targets.empty()) throw ConfigError(who + ": evaluate() got a batch without targets");
  const Tensor& scores = predictions[0];
  const Tensor& labels = truth.targets[0];
  const Shape expected_scores{static_cast<std::int64_t>(truth.size), static_cast<std::int64_t>(num_classes)};
  if (scores.dtype() != DType::Float32 || scores.shape() != expected_scores) {
    throw ConfigError(who + ": predictions[0] should be float32 " + shape_to_string(expected_scores) +
                      " class scores, got " + std::string(dtype_name(scores.dtype())) + " " +
                      shape_to_string(scores.shape()));
  }
  const Shape expected_labels{static_cast<std::int64_t>(truth.size)};
  if (labels.dtype() != DType::Int64 || labels.shape() != expected_labels) {
    throw ConfigError(who + ": targets[0] should be int64 " + shape_to_string(expected_labels) + " labels, got " +
                      std::string(dtype_name(labels.dtype())) + " " + shape_to_string(labels.shape()));
  }

  // Read everything first so a rejected batch leaves `m` untouched.
  ConfusionMatrix matrix = read_matrix(m, num_classes, who);
  std::int64_t top_5 = read_counter(m, "top_5_count", who);
  const std::int64_t total = read_counter(m, "total", who);
  try {
    accumulate_classification(scores.data<float>(), labels.data<std::int64_t>(), num_classes, matrix, top_5);
  } catch (const ConfigError& e) {
    throw ConfigError(who + ": " + e.what());
  }

  m.set(keys::eval_confusion_matrix, nlohmann::json(matrix));
  m.set(keys::top_5_count, top_5);
  m.set(keys::total, total + static_cast<std::int64_t>(truth.size));
}

}  // namespace kenning
