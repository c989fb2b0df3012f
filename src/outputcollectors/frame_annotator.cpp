#include "outputcollectors/frame_annotator.h"

#include <algorithm>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "outputcollectors/classification.h"
#include "kenning/core/detection.h"
#include "kenning/core/error.h"
#include "kenning/core/frame.h"

namespace kenning {
namespace {

// Distinct colours per class id, cycling.
cv::Scalar class_colour(int class_id) {
  static const cv::Scalar palette[] = {{56, 56, 255}, {151, 157, 255}, {31, 112, 255}, {29, 178, 255}, {49, 210, 207},
                                       {10, 249, 72}, {23, 204, 146},  {134, 219, 61}, {211, 188, 0},  {255, 194, 0}};
  return palette[static_cast<std::size_t>(std::max(class_id, 0)) % std::size(palette)];
}

std::string label_text(const std::string& label, float score) {
  char score_text[16];
  std::snprintf(score_text, sizeof score_text, " %.2f", score);
  return label + score_text;
}

// Text on a filled box whose top-left corner is `origin`, kept inside the image.
void draw_label(cv::Mat& image, const std::string& text, cv::Point origin, const cv::Scalar& background) {
  const double scale = std::clamp(image.cols / 640.0, 0.4, 1.2);
  const int thickness = scale > 0.8 ? 2 : 1;
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
  origin.x = std::clamp(origin.x, 0, std::max(0, image.cols - size.width - 4));
  origin.y = std::clamp(origin.y, 0, std::max(0, image.rows - size.height - baseline - 4));
  cv::rectangle(image, cv::Rect(origin.x, origin.y, size.width + 4, size.height + baseline + 4), background,
                cv::FILLED);
  cv::putText(image, text, {origin.x + 2, origin.y + size.height + 2}, cv::FONT_HERSHEY_SIMPLEX, scale,
              cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
}

}  // namespace

cv::Mat frame_as_mat(const TensorView& frame) {
  const Shape& s = frame.shape();
  if (frame.dtype() != DType::UInt8 || s.size() != 3 || s[2] != 3 || s[0] <= 0 || s[1] <= 0) {
    throw ConfigError("frame: expected uint8 [height, width, 3], got " + std::string(dtype_name(frame.dtype())) + " " +
                      shape_to_string(s));
  }
  return cv::Mat(static_cast<int>(s[0]), static_cast<int>(s[1]), CV_8UC3, const_cast<std::byte*>(frame.bytes().data()));
}

std::vector<TensorSpec> FrameAnnotator::input_spec() {
  TensorSpec predictions;
  predictions.name = "predictions";
  predictions.shape = {-1, -1};
  predictions.dtype = DType::Float32;
  return {frame_spec(), predictions, detection_spec("detection_data", {})};
}

std::vector<std::string> FrameAnnotator::optional_inputs() { return {"predictions", "detection_data"}; }

void FrameAnnotator::prepare(const std::vector<TensorSpec>& connected) {
  class_names_ = connected.size() > 1 ? connected[1].class_name : std::vector<std::string>{};
  detection_names_ = connected.size() > 2 ? connected[2].class_name : std::vector<std::string>{};
}

cv::Mat FrameAnnotator::annotate(std::span<const TensorView> inputs) const {
  const cv::Mat frame = frame_as_mat(inputs[0]);
  cv::Mat image;
  const int factor = min_width_ > frame.cols ? (min_width_ + frame.cols - 1) / frame.cols : 1;
  if (factor > 1) {
    cv::resize(frame, image, {}, factor, factor, cv::INTER_NEAREST);
  } else {
    image = frame.clone();
  }
  if (inputs.size() > 2 && !inputs[2].shape().empty()) {
    for (const Detection& d : detections_from_tensor(inputs[2], detection_names_)) {
      const cv::Point p1(static_cast<int>(d.x1 * image.cols), static_cast<int>(d.y1 * image.rows));
      const cv::Point p2(static_cast<int>(d.x2 * image.cols), static_cast<int>(d.y2 * image.rows));
      const cv::Scalar colour = class_colour(d.class_id);
      cv::rectangle(image, p1, p2, colour, std::max(1, image.cols / 320));
      draw_label(image, label_text(d.label, d.score), {p1.x, p1.y}, colour);
    }
  }
  if (inputs.size() > 1 && !inputs[1].shape().empty()) {
    const TopClass top = top_class(inputs[1], class_names_);
    draw_label(image, label_text(top.label, top.score), {0, 0}, cv::Scalar(0, 0, 0));
  }
  return image;
}

}  // namespace kenning
