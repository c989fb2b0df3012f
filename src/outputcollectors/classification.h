// The best class of a classifier's scores, shared by the collectors.
#pragma once

#include <string>
#include <vector>

#include "kenning/core/tensor.h"

namespace kenning {

struct TopClass {
  int class_id = -1;
  std::string label;  // class_names[class_id], or "class <id>"
  float score = 0;
};

// Scores are float32 [1, classes] or [classes]; throws ConfigError otherwise.
TopClass top_class(const TensorView& scores, const std::vector<std::string>& class_names);

}  // namespace kenning
