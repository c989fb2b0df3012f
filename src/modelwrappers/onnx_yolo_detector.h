// ONNXYOLODetector: an ONNX YOLOv2/v3-style detector whose outputs are the
// raw detection maps, one per scale: [n, anchors_per_output * (5 + classes),
// grid_h, grid_w] (see yolo_decode.h). The maps are decoded with the
// scale's anchors (`anchors`: width, height pairs in input pixels, output
// after output), merged and filtered with NMS.
//
// preprocess: dataset images float32 [n, C, H, W] in [0, 1] -> (x - mean) /
// std in input_layout. postprocess: one detection tensor [k, 6] per sample.
//
// Only built with KENNING_WITH_ONNX.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "modelwrappers/image_input_params.h"
#include "modelwrappers/onnx_model.h"

namespace kenning {

class ONNXYOLODetector : public ONNXModel {
 public:
  struct Params {
    std::filesystem::path model_path;
    ImageLayout input_layout = ImageLayout::NCHW;
    std::vector<double> mean{0.0};
    std::vector<double> std{1.0};
    std::vector<double> anchors;
    std::int64_t anchors_per_output = 3;
    std::vector<std::string> class_names;
    double score_threshold = 0.5;
    double iou_threshold = 0.45;
    std::int64_t max_detections = 100;
  };
  static const ParamSchema<Params>& schema();
  // Throws ConfigError naming the file and the output when an output's
  // channels are not anchors_per_output * (5 + classes), or the anchors list
  // does not hold anchors_per_output pairs per output.
  explicit ONNXYOLODetector(const Params& params);

  IOSpec io_spec() const override { return spec_; }
  std::vector<Tensor> preprocess(const Batch& batch) const override;
  std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const override;
  std::vector<TensorSpec> preprocess_input_spec() const override;
  bool outputs_predictions() const override { return true; }

 private:
  Params params_;
  bool nhwc_ = false;
  std::int64_t chw_[3] = {-1, -1, -1};
};

}  // namespace kenning
