#include "modelwrappers/onnx_yolo_detector.h"

#include "modelwrappers/image_input_params.h"
#include "modelwrappers/image_normalize.h"
#include "kenning/core/box_ops.h"
#include "kenning/core/detection.h"
#include "kenning/core/error.h"
#include "modelwrappers/yolo_decode.h"

namespace kenning {

namespace {

constexpr const char* kClass = "ONNXYOLODetector";

}  // namespace

ONNXYOLODetector::ONNXYOLODetector(const Params& params)
    : ONNXModel(schema().checked(params).model_path, kClass), params_(params) {
  const std::string who = std::string(kClass) + ": " + model_path_.string();
  nhwc_ = params_.input_layout == ImageLayout::NHWC;
  if (params_.class_names.empty()) throw ConfigError(std::string(kClass) + ": class_names: expected at least one name");
  const auto& inputs = spec_.model_inputs();
  if (inputs.size() != 1 || inputs[0].shape.size() != 4 || inputs[0].dtype != DType::Float32) {
    throw ConfigError(who + ": expected one float32 image input of rank 4");
  }
  const Shape& in = inputs[0].shape;
  if (nhwc_) {
    chw_[0] = in[3], chw_[1] = in[1], chw_[2] = in[2];
  } else {
    chw_[0] = in[1], chw_[1] = in[2], chw_[2] = in[3];
  }
  if (chw_[1] <= 0 || chw_[2] <= 0) {
    throw ConfigError(who + ": anchors are in input pixels, so the input needs a fixed size, got " +
                      shape_to_string(in));
  }
  const auto& outputs = spec_.model_outputs();
  const auto per = static_cast<std::size_t>(params_.anchors_per_output);
  if (params_.anchors.size() != outputs.size() * per * 2) {
    throw ConfigError(std::string(kClass) + ": anchors: expected " + std::to_string(outputs.size() * per * 2) +
                      " values (" + std::to_string(per) + " width, height pairs for each of the model's " +
                      std::to_string(outputs.size()) + " outputs), got " + std::to_string(params_.anchors.size()));
  }
  const std::int64_t channels =
      params_.anchors_per_output * (5 + static_cast<std::int64_t>(params_.class_names.size()));
  for (const auto& o : outputs) {
    if (o.shape.size() != 4 || o.shape[1] != channels || o.shape[2] <= 0 || o.shape[3] <= 0) {
      throw ConfigError(who + ": output '" + o.name + "' " + shape_to_string(o.shape) + ": expected [n, " +
                        std::to_string(channels) + ", grid_h, grid_w] (anchors_per_output " + std::to_string(per) +
                        " x (5 + " + std::to_string(params_.class_names.size()) + " classes))");
    }
  }
  spec_.processed_output = {detection_spec("detections", params_.class_names)};
}

std::vector<TensorSpec> ONNXYOLODetector::preprocess_input_spec() const {
  return {image_input_spec(spec_.model_inputs().front(), chw_)};
}

std::vector<Tensor> ONNXYOLODetector::preprocess(const Batch& batch) const {
  return preprocess_image_batch(batch, params_.mean, params_.std, nhwc_, chw_, std::string(kClass) + ".preprocess");
}

std::vector<Tensor> ONNXYOLODetector::postprocess(std::vector<Tensor> outputs) const {
  const std::string where = std::string(kClass) + ".postprocess";
  const auto& specs = spec_.model_outputs();
  if (outputs.size() != specs.size()) {
    throw ConfigError(where + ": expected " + std::to_string(specs.size()) + " outputs, got " +
                      std::to_string(outputs.size()));
  }
  const std::int64_t n = outputs[0].shape().empty() ? 0 : outputs[0].shape()[0];
  const auto per = static_cast<std::size_t>(params_.anchors_per_output);
  std::vector<Tensor> result;
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<Detection> found;
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      const Tensor& t = outputs[o];
      if (t.dtype() != DType::Float32 || t.shape().size() != 4 || t.shape()[0] != n) {
        throw ConfigError(where + ": output " + std::to_string(o) + " is " + std::string(dtype_name(t.dtype())) + " " +
                          shape_to_string(t.shape()) + ", expected float32 [" + std::to_string(n) + ", C, H, W]");
      }
      YoloGridOptions opt;
      opt.grid_h = t.shape()[2];
      opt.grid_w = t.shape()[3];
      opt.anchors.assign(params_.anchors.begin() + static_cast<std::ptrdiff_t>(o * per * 2),
                         params_.anchors.begin() + static_cast<std::ptrdiff_t>((o + 1) * per * 2));
      opt.num_classes = params_.class_names.size();
      opt.input_w = static_cast<float>(chw_[2]);
      opt.input_h = static_cast<float>(chw_[1]);
      opt.score_threshold = static_cast<float>(params_.score_threshold);
      const auto all = t.data<float>();
      const std::size_t per_sample = all.size() / static_cast<std::size_t>(n);
      auto part = decode_yolo_grid(all.subspan(per_sample * static_cast<std::size_t>(i), per_sample), opt);
      found.insert(found.end(), part.begin(), part.end());
    }
    found = non_max_suppression(std::move(found), static_cast<float>(params_.score_threshold),
                                static_cast<float>(params_.iou_threshold),
                                static_cast<std::size_t>(params_.max_detections));
    result.push_back(detections_to_tensor(found));
  }
  return result;
}

}  // namespace kenning
