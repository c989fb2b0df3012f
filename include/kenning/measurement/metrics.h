// Classification quality metrics. The confusion matrix is indexed
// [actual class][predicted class].
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenning {

using ConfusionMatrix = std::vector<std::vector<std::int64_t>>;

struct ClassificationMetrics {
  double accuracy = 0;
  double top_5_accuracy = 0;
  double mean_precision = 0;        // macro average over classes with predictions
  double mean_sensitivity = 0;      // macro average recall over classes present
  double g_mean = 0;                // geometric mean of per-class sensitivity
  std::vector<double> precision;    // per class (0 when never predicted)
  std::vector<double> sensitivity;  // per class (0 when absent)
};

// Adds a batch of class scores `scores` ([n, num_classes] row-major) with
// labels `labels` ([n]) to `matrix` and the top-5 hit counter.
void accumulate_classification(std::span<const float> scores, std::span<const std::int64_t> labels,
                               std::size_t num_classes, ConfusionMatrix& matrix, std::int64_t& top_5_count);

ClassificationMetrics compute_classification_metrics(const ConfusionMatrix& matrix, std::int64_t top_5_count);

}  // namespace kenning
