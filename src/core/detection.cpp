#include "kenning/core/detection.h"

#include <cmath>

#include "kenning/core/error.h"

namespace kenning {

TensorSpec detection_spec(std::string name, std::vector<std::string> class_names) {
  TensorSpec s;
  s.name = std::move(name);
  s.shape = {-1, kDetectionFields};
  s.dtype = DType::Float32;
  s.class_name = std::move(class_names);
  return s;
}

Tensor detections_to_tensor(std::span<const Detection> detections) {
  Tensor t(DType::Float32, {static_cast<std::int64_t>(detections.size()), kDetectionFields});
  auto v = t.data<float>();
  for (std::size_t i = 0; i < detections.size(); ++i) {
    const Detection& d = detections[i];
    float* row = v.data() + i * kDetectionFields;
    row[0] = d.x1;
    row[1] = d.y1;
    row[2] = d.x2;
    row[3] = d.y2;
    row[4] = d.score;
    row[5] = static_cast<float>(d.class_id);
  }
  return t;
}

std::vector<Detection> detections_from_tensor(const TensorView& t, const std::vector<std::string>& class_names) {
  if (t.dtype() != DType::Float32 || t.shape().size() != 2 || t.shape()[1] != kDetectionFields) {
    throw ConfigError("detections: expected float32 [n, 6] (x1, y1, x2, y2, score, class), got " +
                      std::string(dtype_name(t.dtype())) + " " + shape_to_string(t.shape()));
  }
  const auto v = t.data<float>();
  std::vector<Detection> out(static_cast<std::size_t>(t.shape()[0]));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float* row = v.data() + i * kDetectionFields;
    Detection& d = out[i];
    d.x1 = row[0];
    d.y1 = row[1];
    d.x2 = row[2];
    d.y2 = row[3];
    d.score = row[4];
    d.class_id = static_cast<int>(std::lround(row[5]));
    d.label = d.class_id >= 0 && static_cast<std::size_t>(d.class_id) < class_names.size()
                  ? class_names[static_cast<std::size_t>(d.class_id)]
                  : "class " + std::to_string(d.class_id);
  }
  return out;
}

}  // namespace kenning
