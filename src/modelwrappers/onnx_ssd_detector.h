// ONNXSSDDetector: an ONNX anchor-based (SSD-style) detector such as
// BlazeFace, decoded with generated anchors and filtered with NMS.
//
// The model has one float32 image input of rank 4 and two kinds of outputs,
// each [n, anchors_of_a_layer, k]: scores (k = classes, logits) and boxes
// (k >= 4: dx, dy, w, h in input pixels relative to the anchor, then any key
// points, which are ignored). The kind with the larger k holds the boxes;
// outputs of a kind are concatenated in the model's output order. Their
// anchor counts must equal what `strides` and `anchors_per_cell` generate.
//
// preprocess: dataset images float32 [n, C, H, W] in [0, 1] -> (x - mean) /
// std in input_layout. postprocess: one detection tensor [k, 6] per sample
// (see kenning/core/detection.h), after score threshold and NMS.
//
// Only built with KENNING_WITH_ONNX.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "modelwrappers/image_input_params.h"
#include "modelwrappers/onnx_model.h"
#include "modelwrappers/ssd_anchors.h"

namespace kenning {

class ONNXSSDDetector : public ONNXModel {
 public:
  struct Params {
    std::filesystem::path model_path;
    ImageLayout input_layout = ImageLayout::NHWC;
    std::vector<double> mean{0.5};
    std::vector<double> std{0.5};
    std::vector<std::int64_t> strides{8, 16};
    std::vector<std::int64_t> anchors_per_cell{2, 6};
    std::vector<std::string> class_names{"face"};
    double score_threshold = 0.75;
    double iou_threshold = 0.3;
    std::int64_t max_detections = 100;
  };
  static const ParamSchema<Params>& schema();
  // Throws ConfigError naming the file and what was expected when the model's
  // input or outputs do not fit, or when the outputs' anchor count differs
  // from the generated anchors'.
  explicit ONNXSSDDetector(const Params& params);

  IOSpec io_spec() const override { return spec_; }
  std::vector<Tensor> preprocess(const Batch& batch) const override;
  std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const override;
  std::vector<TensorSpec> preprocess_input_spec() const override;
  bool outputs_predictions() const override { return true; }

  std::size_t anchor_count() const { return anchors_.size(); }

 private:
  Params params_;
  bool nhwc_ = true;
  std::int64_t chw_[3] = {-1, -1, -1};
  std::vector<Anchor> anchors_;
  std::vector<std::size_t> score_outputs_, box_outputs_;  // indices into the model's outputs
  SSDDecodeOptions decode_;
};

}  // namespace kenning
