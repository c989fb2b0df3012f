// Scoring shared by the classification datasets: turns a batch of class
// scores into upstream Kenning's eval_confusion_matrix / top_5_count / total
// measurements.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "kenning/measurement/measurements.h"
#include "kenning/core/tensor.h"
#include "kenning/dataset.h"

namespace kenning {

// predictions[0]: float32 scores [n, num_classes]; truth.targets[0]: int64
// labels [n]. Adds to eval_confusion_matrix ([actual][predicted]),
// top_5_count and total in `m`, creating them when absent. Throws
// ConfigError starting with `who` on a wrong shape/dtype or when an existing
// matrix does not have num_classes x num_classes entries.
void evaluate_classification(std::span<const Tensor> predictions, const Batch& truth, std::size_t num_classes,
                             Measurements& m, const std::string& who);

}  // namespace kenning
