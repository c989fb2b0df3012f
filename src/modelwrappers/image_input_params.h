// The parameters every ONNX image wrapper (classifier, SSD and YOLO
// detectors) declares alike: the model file and how dataset images become
// its input (ImageLayout); and the detectors' score/NMS limits. Defaults come
// from each class's own Params, which must have model_path, input_layout,
// mean and std.
#pragma once

#include <string>
#include <utility>

#include "kenning/core/params.h"

namespace kenning {

// How a model lays out its image input; datasets give NCHW.
enum class ImageLayout { NCHW, NHWC };
inline constexpr EnumName<ImageLayout> kImageLayoutNames[] = {{ImageLayout::NCHW, "NCHW"}, {ImageLayout::NHWC, "NHWC"}};

// Declares model_path (required; `model_help` says what the class expects of
// the model), input_layout, mean and std, in that order.
template <class P>
void declare_image_input(ParamSchema<P>& s, std::string model_help) {
  s.field("model_path", &P::model_path, std::move(model_help))
      .required()
      .field("input_layout", &P::input_layout, "Layout of the model's image input", kImageLayoutNames)
      .field("mean", &P::mean, "Per-channel mean subtracted from the [0, 1] images (1 value: every channel)")
      .field("std", &P::std, "Per-channel standard deviation the values are divided by");
}

// Declares score_threshold (`score_help` says which score), iou_threshold
// and max_detections: the filtering every detector applies to its boxes.
template <class P>
void declare_detection_limits(ParamSchema<P>& s, std::string score_help) {
  s.field("score_threshold", &P::score_threshold, std::move(score_help))
      .range(0, 1)
      .field("iou_threshold", &P::iou_threshold, "NMS drops boxes overlapping a better one above this IoU")
      .range(0, 1)
      .field("max_detections", &P::max_detections, "Most detections kept per image")
      .range(1, 100000);
}

}  // namespace kenning
