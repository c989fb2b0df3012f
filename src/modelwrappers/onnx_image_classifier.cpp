#include "modelwrappers/onnx_image_classifier.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "modelwrappers/image_input_params.h"
#include "modelwrappers/image_normalize.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

constexpr const char* kClass = "ONNXImageClassifier";

std::string join_doubles(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// One class per line; trailing blank lines are ignored, blank lines before
// the last name are an error.
std::vector<std::string> read_label_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw IoError(std::string(kClass) + ": class_names_path: " + path.string() + ": no such file");
  }
  std::ifstream in(path);
  if (!in) throw IoError(std::string(kClass) + ": class_names_path: " + path.string() + ": cannot be read");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      throw ConfigError(std::string(kClass) + ": class_names_path: " + path.string() + ": line " +
                        std::to_string(i + 1) + " is empty; expected one class name per line");
    }
  }
  if (lines.empty()) {
    throw ConfigError(std::string(kClass) + ": class_names_path: " + path.string() +
                      ": no class names; expected one per line");
  }
  return lines;
}

}  // namespace

ONNXImageClassifier::ONNXImageClassifier(const Params& params)
    : ONNXModel(schema().checked(params).model_path, kClass), params_(params) {
  const std::string who = kClass;
  nhwc_ = params_.input_layout == ImageLayout::NHWC;
  const std::string file = model_path_.string();

  const auto& inputs = spec_.model_inputs();
  if (inputs.size() != 1 || inputs[0].shape.size() != 4 || inputs[0].dtype != DType::Float32) {
    std::string got;
    for (const auto& in : inputs) {
      got += (got.empty() ? "" : ", ") + std::string("'") + in.name + "' " + std::string(dtype_name(in.dtype)) + " " +
             shape_to_string(in.shape);
    }
    throw ConfigError(who + ": " + file + ": expected one float32 image input of rank 4 (" +
                      enum_name(kImageLayoutNames, params_.input_layout) + "), the model has " +
                      (got.empty() ? "none" : got));
  }
  const Shape& in = inputs[0].shape;
  if (nhwc_) {
    chw_[0] = in[3], chw_[1] = in[1], chw_[2] = in[2];
  } else {
    chw_[0] = in[1], chw_[1] = in[2], chw_[2] = in[3];
  }
  const std::string input_desc = "model input '" + inputs[0].name + "' " + shape_to_string(in) + " (" +
                                 enum_name(kImageLayoutNames, params_.input_layout) + ")";
  for (const auto* key : {"mean", "std"}) {
    const auto& values = std::string(key) == "mean" ? params_.mean : params_.std;
    const bool fits = values.size() == 1 || (chw_[0] > 0 && values.size() == static_cast<std::size_t>(chw_[0])) ||
                      (chw_[0] < 0 && !values.empty());
    if (!fits) {
      throw ConfigError(who + ": " + key + ": expected 1 value or one per channel (" +
                        (chw_[0] > 0 ? std::to_string(chw_[0]) : std::string("any count")) + " for " + input_desc +
                        "), got " + std::to_string(values.size()) + ": " + join_doubles(values));
    }
    for (double v : values) {
      if (!std::isfinite(v) || (std::string(key) == "std" && !(v > 0))) {
        throw ConfigError(who + ": " + key + ": expected " +
                          (std::string(key) == "std" ? "finite values > 0" : "finite values") + ", got " +
                          join_doubles(values));
      }
    }
  }

  if (spec_.output.empty()) throw ConfigError(who + ": " + file + ": the model declares no outputs");
  TensorSpec& out = spec_.output.front();
  if (out.shape.size() >= 2) {
    std::int64_t classes = 1;
    for (std::size_t d = 1; d < out.shape.size() && classes > 0; ++d)
      classes = out.shape[d] < 0 ? -1 : classes * out.shape[d];
    num_classes_ = classes;
  }
  const std::string output_desc = "model output '" + out.name + "' " + shape_to_string(out.shape);
  if (!params_.class_names_path.empty()) {
    class_names_ = read_label_file(params_.class_names_path);
    if (num_classes_ > 0 && class_names_.size() != static_cast<std::size_t>(num_classes_)) {
      throw ConfigError(who + ": class_names_path: " + params_.class_names_path.string() + " lists " +
                        std::to_string(class_names_.size()) + " classes (one per line), " + output_desc + " has " +
                        std::to_string(num_classes_));
    }
  } else if (!out.class_name.empty()) {
    class_names_ = out.class_name;
  } else if (num_classes_ > 0) {
    for (std::int64_t c = 0; c < num_classes_; ++c) class_names_.push_back("class_" + std::to_string(c));
  }
  if (num_classes_ > 0 && !class_names_.empty() && class_names_.size() != static_cast<std::size_t>(num_classes_)) {
    throw ConfigError(who + ": " + file + ": the I/O spec names " + std::to_string(class_names_.size()) + " classes, " +
                      output_desc + " has " + std::to_string(num_classes_));
  }
  out.class_name = class_names_;
  if (!spec_.processed_output.empty()) spec_.processed_output.front().class_name = class_names_;
}

std::vector<TensorSpec> ONNXImageClassifier::preprocess_input_spec() const {
  TensorSpec spec = spec_.model_inputs().front();
  spec.shape = {-1, chw_[0], chw_[1], chw_[2]};
  spec.dtype = DType::Float32;
  return {spec};
}

std::vector<Tensor> ONNXImageClassifier::preprocess(const Batch& batch) const {
  const std::string where = std::string(kClass) + ".preprocess";
  const TensorSpec& model_in = spec_.model_inputs().front();
  const std::string expected =
      "[n, " + std::to_string(chw_[0]) + ", " + std::to_string(chw_[1]) + ", " + std::to_string(chw_[2]) + "]";
  const std::string model_desc = "model input '" + model_in.name + "' " + shape_to_string(model_in.shape) + " (" +
                                 enum_name(kImageLayoutNames, params_.input_layout) + ")";
  if (batch.inputs.size() != 1) {
    throw ConfigError(where + ": expected 1 image tensor, float32 " + expected + " for " + model_desc + ", got " +
                      std::to_string(batch.inputs.size()) + " tensors");
  }
  const Tensor& images = batch.inputs[0];
  const Shape& shape = images.shape();
  if (images.dtype() != DType::Float32) {
    throw ConfigError(where + ": expected float32 images, got " + std::string(dtype_name(images.dtype())) + " " +
                      shape_to_string(shape));
  }
  std::int64_t n = 0, c = 1, h = 0, w = 0;
  bool fits = false;
  if (shape.size() == 4) {
    n = shape[0], c = shape[1], h = shape[2], w = shape[3];
    fits = true;
  } else if (shape.size() == 3) {
    n = shape[0], h = shape[1], w = shape[2];
    fits = true;
  }
  fits = fits && (chw_[0] < 0 || chw_[0] == c) && (chw_[1] < 0 || chw_[1] == h) && (chw_[2] < 0 || chw_[2] == w);
  if (!fits) {
    throw ConfigError(where + ": images " + shape_to_string(shape) + " do not fit " + model_desc + ": expected " +
                      expected + " (dataset layout [n, C, H, W], or [n, H, W] when C = 1; -1 = any size)");
  }
  // [n, H, W] is [n, 1, H, W]: the same bytes seen with the channel axis.
  const TensorView nchw(DType::Float32, Shape{n, c, h, w}, images.view().bytes());
  std::vector<Tensor> result;
  result.push_back(normalize_images(nchw, params_.mean, params_.std, nhwc_, chw_, where));
  return result;
}

std::vector<Tensor> ONNXImageClassifier::postprocess(std::vector<Tensor> outputs) const {
  const std::string where = std::string(kClass) + ".postprocess";
  if (outputs.empty()) throw ConfigError(where + ": the model returned no outputs");
  Tensor scores = std::move(outputs[0]);
  const Shape shape = scores.shape();
  if (scores.dtype() != DType::Float32 || shape.size() < 2 || shape[0] < 1) {
    throw ConfigError(where + ": expected float32 scores [n, classes] in output 0, got " +
                      std::string(dtype_name(scores.dtype())) + " " + shape_to_string(shape));
  }
  const std::int64_t n = shape[0];
  const std::int64_t classes = scores.numel() / n;
  if (!class_names_.empty() && classes != static_cast<std::int64_t>(class_names_.size())) {
    throw ConfigError(where + ": output 0 " + shape_to_string(shape) + " has " + std::to_string(classes) +
                      " scores per sample, the class names list " + std::to_string(class_names_.size()));
  }
  scores.reshape({n, classes});
  if (params_.apply_softmax) {
    std::span<float> values = scores.data<float>();
    const auto k = static_cast<std::size_t>(classes);
    for (std::size_t row = 0; row + k <= values.size(); row += k) {
      std::span<float> r = values.subspan(row, k);
      const float max = *std::max_element(r.begin(), r.end());
      double sum = 0;
      for (float& v : r) {
        v = std::exp(v - max);
        sum += v;
      }
      for (float& v : r) v = static_cast<float>(v / sum);
    }
  }
  std::vector<Tensor> result;
  result.push_back(std::move(scores));
  return result;
}

}  // namespace kenning
