// ONNXImageClassifier: any ONNX image classifier with one image input of
// rank 4 and a score output [n, classes].
//
// preprocess takes the dataset's float32 images [n, C, H, W] (or [n, H, W]
// grayscale, C = 1), checks C, H, W against the model's input (a free
// dimension takes any size), normalises every channel as (x - mean) / std
// and lays them out as the model reads them (input_layout NCHW or NHWC).
// postprocess turns the first output into probabilities [n, classes]
// (softmax unless apply_softmax is false, for models that already output
// probabilities), which classification datasets score.
//
// Class names: one per line of class_names_path; else the sidecar's
// class_name list; else class_0, class_1, ...
//
// Only built with KENNING_WITH_ONNX.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "modelwrappers/image_input_params.h"
#include "modelwrappers/onnx_model.h"

namespace kenning {

class ONNXImageClassifier : public ONNXModel {
 public:
  struct Params {
    std::filesystem::path model_path;
    ImageLayout input_layout = ImageLayout::NCHW;
    std::vector<double> mean{0.0};
    std::vector<double> std{1.0};
    std::filesystem::path class_names_path;
    bool apply_softmax = true;
  };
  static const ParamSchema<Params>& schema();
  // Throws ConfigError naming the key or file (layout, mean/std length or
  // values, model input/output that is not an image classifier's, label
  // count vs the model's output) and IoError for a missing model/label file.
  explicit ONNXImageClassifier(const Params& params);

  // The model's spec, output 0 carrying the class names.
  IOSpec io_spec() const override { return spec_; }

  std::vector<Tensor> preprocess(const Batch& batch) const override;
  std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const override;

  // float32 [-1, C, H, W]: the dataset layout preprocess reads.
  std::vector<TensorSpec> preprocess_input_spec() const override;
  bool outputs_predictions() const override { return true; }

  const std::vector<std::string>& class_names() const { return class_names_; }
  // Channels, height, width the model reads (-1: any).
  std::int64_t channels() const { return chw_[0]; }

 private:
  Params params_;
  bool nhwc_ = false;
  std::int64_t chw_[3] = {-1, -1, -1};
  std::int64_t num_classes_ = -1;  // -1: not fixed by the model
  std::vector<std::string> class_names_;
};

}  // namespace kenning
