#include "kenning/measurement/metrics.h"

#include <cmath>
#include <limits>
#include <string>

#include "kenning/core/error.h"

namespace kenning {

namespace {

// NaN scores rank below every real score, so a broken output never counts as
// a hit by accident and the ordering stays total.
float rank_key(float score) { return std::isnan(score) ? -std::numeric_limits<float>::infinity() : score; }

// True when class `a` ranks above class `b`: higher score first, and on a
// tie the lower class index, so results never depend on evaluation order.
bool ranks_above(std::span<const float> row, std::size_t a, std::size_t b) {
  const float sa = rank_key(row[a]);
  const float sb = rank_key(row[b]);
  return sa > sb || (sa == sb && a < b);
}

void check_matrix_shape(const ConfusionMatrix& matrix, std::size_t num_classes) {
  if (matrix.size() != num_classes) {
    throw ConfigError("confusion matrix: expected " + std::to_string(num_classes) + " rows, got " +
                      std::to_string(matrix.size()));
  }
  for (std::size_t r = 0; r < matrix.size(); ++r) {
    if (matrix[r].size() != num_classes) {
      throw ConfigError("confusion matrix: row " + std::to_string(r) + " has " + std::to_string(matrix[r].size()) +
                        " columns, expected " + std::to_string(num_classes));
    }
  }
}

}  // namespace

void accumulate_classification(std::span<const float> scores, std::span<const std::int64_t> labels,
                               std::size_t num_classes, ConfusionMatrix& matrix, std::int64_t& top_5_count) {
  if (num_classes == 0) throw ConfigError("classification scores: num_classes must be >= 1");
  if (scores.size() / num_classes != labels.size() || scores.size() % num_classes != 0) {
    throw ConfigError("classification scores: expected " + std::to_string(labels.size()) + "x" +
                      std::to_string(num_classes) + " = " + std::to_string(labels.size() * num_classes) +
                      " values, got " + std::to_string(scores.size()));
  }
  if (matrix.empty()) matrix.assign(num_classes, std::vector<std::int64_t>(num_classes, 0));
  check_matrix_shape(matrix, num_classes);
  // Validate every label before counting, so a bad batch leaves no partial counts.
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::uint64_t>(labels[i]) >= num_classes) {
      throw ConfigError("classification labels: label " + std::to_string(labels[i]) + " of sample " +
                        std::to_string(i) + " is outside [0, " + std::to_string(num_classes) + ")");
    }
  }

  const std::size_t k = num_classes < 5 ? num_classes : 5;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto row = scores.subspan(i * num_classes, num_classes);
    const auto actual = static_cast<std::size_t>(labels[i]);
    std::size_t predicted = 0;
    std::size_t above_actual = 0;  // classes ranked above the true one
    for (std::size_t c = 0; c < num_classes; ++c) {
      if (ranks_above(row, c, predicted)) predicted = c;
      if (c != actual && ranks_above(row, c, actual)) ++above_actual;
    }
    ++matrix[actual][predicted];
    if (above_actual < k) ++top_5_count;
  }
}

ClassificationMetrics compute_classification_metrics(const ConfusionMatrix& matrix, std::int64_t top_5_count) {
  const std::size_t n = matrix.size();
  check_matrix_shape(matrix, n);

  std::vector<std::int64_t> actual_total(n, 0);
  std::vector<std::int64_t> predicted_total(n, 0);
  std::int64_t total = 0;
  std::int64_t correct = 0;
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t p = 0; p < n; ++p) {
      const std::int64_t v = matrix[a][p];
      if (v < 0) {
        throw ConfigError("confusion matrix: negative count " + std::to_string(v) + " at [" + std::to_string(a) + "][" +
                          std::to_string(p) + "]");
      }
      actual_total[a] += v;
      predicted_total[p] += v;
      total += v;
    }
    correct += matrix[a][a];
  }

  ClassificationMetrics m;
  m.precision.assign(n, 0.0);
  m.sensitivity.assign(n, 0.0);
  if (total == 0) return m;

  m.accuracy = static_cast<double>(correct) / static_cast<double>(total);
  m.top_5_accuracy = static_cast<double>(top_5_count) / static_cast<double>(total);

  // Undefined ratios (class never predicted / never present) are reported as
  // 0 per class but left out of the averages, as the header documents.
  double precision_sum = 0;
  std::size_t predicted_classes = 0;
  double sensitivity_sum = 0;
  double log_sensitivity_sum = 0;
  bool zero_sensitivity = false;
  std::size_t present_classes = 0;
  for (std::size_t c = 0; c < n; ++c) {
    const auto tp = static_cast<double>(matrix[c][c]);
    if (predicted_total[c] > 0) {
      m.precision[c] = tp / static_cast<double>(predicted_total[c]);
      precision_sum += m.precision[c];
      ++predicted_classes;
    }
    if (actual_total[c] > 0) {
      m.sensitivity[c] = tp / static_cast<double>(actual_total[c]);
      sensitivity_sum += m.sensitivity[c];
      ++present_classes;
      if (m.sensitivity[c] == 0) {
        zero_sensitivity = true;
      } else {
        log_sensitivity_sum += std::log(m.sensitivity[c]);
      }
    }
  }
  // total > 0 guarantees at least one predicted and one present class.
  m.mean_precision = precision_sum / static_cast<double>(predicted_classes);
  m.mean_sensitivity = sensitivity_sum / static_cast<double>(present_classes);
  // Summing logs avoids underflow of the product with many classes.
  m.g_mean = zero_sensitivity ? 0.0 : std::exp(log_sensitivity_sum / static_cast<double>(present_classes));
  return m;
}

}  // namespace kenning
