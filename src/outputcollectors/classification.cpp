#include "outputcollectors/classification.h"

#include "kenning/core/error.h"

namespace kenning {

TopClass top_class(const TensorView& scores, const std::vector<std::string>& class_names) {
  const Shape& shape = scores.shape();
  const bool ok_shape = shape.size() == 1 || (shape.size() == 2 && shape[0] == 1);
  if (scores.dtype() != DType::Float32 || !ok_shape || scores.numel() == 0) {
    throw ConfigError("predictions: expected float32 class scores [1, classes], got " +
                      std::string(dtype_name(scores.dtype())) + " " + shape_to_string(shape));
  }
  const auto v = scores.data<float>();
  TopClass top;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (top.class_id < 0 || v[i] > top.score) {
      top.class_id = static_cast<int>(i);
      top.score = v[i];
    }
  }
  top.label = static_cast<std::size_t>(top.class_id) < class_names.size()
                  ? class_names[static_cast<std::size_t>(top.class_id)]
                  : "class " + std::to_string(top.class_id);
  return top;
}

}  // namespace kenning
