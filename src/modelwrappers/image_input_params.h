// The parameters every ONNX image wrapper (classifier, SSD and YOLO
// detectors) declares alike: the model file and how dataset images become
// its input. Defaults come from each class's own Params, which must have
// model_path, input_layout, mean and std.
#pragma once

#include <string>
#include <utility>

#include "kenning/core/params.h"

namespace kenning {

// Declares model_path (required; `model_help` says what the class expects of
// the model), input_layout, mean and std, in that order.
template <class P> void declare_image_input(ParamSchema<P>& s, std::string model_help) {
  s.field("model_path", &P::model_path, std::move(model_help))
      .required()
      .field("input_layout", &P::input_layout, "Layout of the model's image input")
      .one_of({"NCHW", "NHWC"})
      .field("mean", &P::mean, "Per-channel mean subtracted from the [0, 1] images (1 value: every channel)")
      .field("std", &P::std, "Per-channel standard deviation the values are divided by");
}

}  // namespace kenning
