#include "modelwrappers/onnx_ssd_detector.h"

#include <algorithm>
#include <cmath>

#include "modelwrappers/image_input_params.h"
#include "modelwrappers/image_normalize.h"
#include "kenning/core/box_ops.h"
#include "kenning/core/detection.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

constexpr const char* kClass = "ONNXSSDDetector";

std::string describe_outputs(const std::vector<TensorSpec>& outputs) {
  std::string s;
  for (const auto& o : outputs) s += (s.empty() ? "" : ", ") + ("'" + o.name + "' " + shape_to_string(o.shape));
  return s.empty() ? "none" : s;
}

// Rows per sample of output [n, rows, k].
std::int64_t rows_of(const Shape& s) { return s.size() == 3 ? s[1] : -1; }

}  // namespace

ONNXSSDDetector::ONNXSSDDetector(const Params& params)
    : ONNXModel(schema().checked(params).model_path, kClass), params_(params) {
  const std::string who = std::string(kClass) + ": " + model_path_.string();
  nhwc_ = params_.input_layout == ImageLayout::NHWC;
  if (params_.class_names.empty()) throw ConfigError(std::string(kClass) + ": class_names: expected at least one name");
  const auto& inputs = spec_.model_inputs();
  if (inputs.size() != 1 || inputs[0].shape.size() != 4 || inputs[0].dtype != DType::Float32) {
    throw ConfigError(who + ": expected one float32 image input of rank 4, the model has " + describe_outputs(inputs));
  }
  const Shape& in = inputs[0].shape;
  if (nhwc_) {
    chw_[0] = in[3], chw_[1] = in[1], chw_[2] = in[2];
  } else {
    chw_[0] = in[1], chw_[1] = in[2], chw_[2] = in[3];
  }
  if (chw_[1] <= 0 || chw_[2] <= 0) {
    throw ConfigError(who + ": the anchors need a fixed input size, input '" + inputs[0].name + "' is " +
                      shape_to_string(in));
  }
  anchors_ = generate_ssd_anchors(chw_[2], chw_[1], params_.strides, params_.anchors_per_cell);

  // Scores and boxes told apart by their last dimension: boxes carry more values.
  const auto& outputs = spec_.model_outputs();
  std::int64_t box_k = 0, score_k = -1;
  for (const auto& o : outputs) {
    if (o.shape.size() != 3 || o.shape[2] <= 0 || rows_of(o.shape) <= 0) {
      throw ConfigError(who + ": expected outputs [n, anchors, k] with fixed anchors and k, got " +
                        describe_outputs(outputs));
    }
    box_k = std::max(box_k, o.shape[2]);
  }
  std::int64_t score_rows = 0, box_rows = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].shape[2] == box_k) {
      box_outputs_.push_back(i);
      box_rows += rows_of(outputs[i].shape);
    } else if (score_k < 0 || outputs[i].shape[2] == score_k) {
      score_k = outputs[i].shape[2];
      score_outputs_.push_back(i);
      score_rows += rows_of(outputs[i].shape);
    } else {
      throw ConfigError(who +
                        ": expected score outputs [n, anchors, classes] and box outputs [n, anchors, k >= 4], "
                        "outputs with more than two different last dimensions: " +
                        describe_outputs(outputs));
    }
  }
  if (score_outputs_.empty() || box_k < 4) {
    throw ConfigError(who +
                      ": expected score outputs [n, anchors, classes] and box outputs [n, anchors, k >= 4], got " +
                      describe_outputs(outputs));
  }
  if (score_k != static_cast<std::int64_t>(params_.class_names.size())) {
    throw ConfigError(who + ": class_names lists " + std::to_string(params_.class_names.size()) +
                      " classes, the score outputs have " + std::to_string(score_k) + " per anchor");
  }
  const auto anchors = static_cast<std::int64_t>(anchors_.size());
  if (score_rows != anchors || box_rows != anchors) {
    std::string layers;
    for (std::size_t l = 0; l < params_.strides.size(); ++l) {
      layers += (l ? ", " : "") + std::string("stride ") + std::to_string(params_.strides[l]) + " x " +
                std::to_string(params_.anchors_per_cell[l]);
    }
    throw ConfigError(who + ": output shapes do not match the anchors: strides/anchors_per_cell (" + layers +
                      ") on a " + std::to_string(chw_[2]) + "x" + std::to_string(chw_[1]) + " input give " +
                      std::to_string(anchors) + " anchors, the score outputs have " + std::to_string(score_rows) +
                      " rows and the box outputs " + std::to_string(box_rows) + " (" + describe_outputs(outputs) + ")");
  }
  decode_.num_classes = static_cast<std::size_t>(score_k);
  decode_.box_values = static_cast<std::size_t>(box_k);
  decode_.x_scale = static_cast<float>(chw_[2]);
  decode_.y_scale = static_cast<float>(chw_[1]);
  decode_.score_threshold = static_cast<float>(params_.score_threshold);
  spec_.processed_output = {detection_spec("detections", params_.class_names)};
}

std::vector<TensorSpec> ONNXSSDDetector::preprocess_input_spec() const {
  return {image_input_spec(spec_.model_inputs().front(), chw_)};
}

std::vector<Tensor> ONNXSSDDetector::preprocess(const Batch& batch) const {
  return preprocess_image_batch(batch, params_.mean, params_.std, nhwc_, chw_, std::string(kClass) + ".preprocess");
}

std::vector<Tensor> ONNXSSDDetector::postprocess(std::vector<Tensor> outputs) const {
  const std::string where = std::string(kClass) + ".postprocess";
  const std::size_t needed = std::max(*std::max_element(score_outputs_.begin(), score_outputs_.end()),
                                      *std::max_element(box_outputs_.begin(), box_outputs_.end())) +
                             1;
  if (outputs.size() < needed) {
    throw ConfigError(where + ": expected " + std::to_string(needed) + " outputs, got " +
                      std::to_string(outputs.size()));
  }
  const std::int64_t n =
      outputs[score_outputs_.front()].shape().empty() ? 0 : outputs[score_outputs_.front()].shape()[0];
  // Per sample, one layer's rows follow the previous layer's: gather them into one list.
  auto gather = [&](const std::vector<std::size_t>& which, std::int64_t sample) {
    std::vector<float> v;
    for (std::size_t i : which) {
      const Tensor& t = outputs[i];
      if (t.dtype() != DType::Float32 || t.shape().empty() || t.shape()[0] != n) {
        throw ConfigError(where + ": output " + std::to_string(i) + " is " + std::string(dtype_name(t.dtype())) + " " +
                          shape_to_string(t.shape()) + ", expected float32 with " + std::to_string(n) + " samples");
      }
      const auto d = t.data<float>();
      const std::size_t per = d.size() / static_cast<std::size_t>(n);
      v.insert(v.end(), d.begin() + static_cast<std::ptrdiff_t>(per * sample),
               d.begin() + static_cast<std::ptrdiff_t>(per * (sample + 1)));
    }
    return v;
  };
  std::vector<Tensor> result;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::vector<float> scores = gather(score_outputs_, i);
    const std::vector<float> boxes = gather(box_outputs_, i);
    std::vector<Detection> found = decode_ssd(scores, boxes, anchors_, decode_);
    found = non_max_suppression(std::move(found), decode_.score_threshold, static_cast<float>(params_.iou_threshold),
                                static_cast<std::size_t>(params_.max_detections));
    result.push_back(detections_to_tensor(found));
  }
  return result;
}

}  // namespace kenning
