#include "flow/frame_input.h"

#include <cstring>

#include <opencv2/imgproc.hpp>

#include "kenning/core/error.h"

namespace kenning {

FrameInput::FrameInput(const TensorSpec& spec, const std::string& where) : spec_(spec) {
  const Shape& s = spec.shape;
  const auto is_channels = [](std::int64_t d) { return d == 1 || d == 3; };
  const bool ok_rank = s.size() == 4 && (s[0] == -1 || s[0] == 1);
  if (ok_rank && is_channels(s[1]) && s[2] > 0 && s[3] > 0) {
    nchw_ = true;
    channels_ = static_cast<int>(s[1]);
    height_ = static_cast<int>(s[2]);
    width_ = static_cast<int>(s[3]);
  } else if (ok_rank && is_channels(s[3]) && s[1] > 0 && s[2] > 0) {
    nchw_ = false;
    channels_ = static_cast<int>(s[3]);
    height_ = static_cast<int>(s[1]);
    width_ = static_cast<int>(s[2]);
  } else {
    throw ConfigError(where + ": model input '" + spec.name + "' " + shape_to_string(s) +
                      " is not an image input ([n, 1|3, h, w] or [n, h, w, 1|3]), so frames cannot feed it");
  }
  if (spec.dtype != DType::Float32 && spec.dtype != DType::UInt8) {
    throw ConfigError(where + ": model input '" + spec.name + "' is " + std::string(dtype_name(spec.dtype)) +
                      "; frames feed float32 or uint8 inputs");
  }
  const std::size_t c = static_cast<std::size_t>(channels_);
  if ((!spec.mean.empty() && spec.mean.size() != c && spec.mean.size() != 1) ||
      (!spec.std.empty() && spec.std.size() != c && spec.std.size() != 1)) {
    throw ConfigError(where + ": model input '" + spec.name + "': mean/std must have 1 or " + std::to_string(c) +
                      " values");
  }
}

Tensor FrameInput::convert(const cv::Mat& bgr) const {
  cv::Mat image;
  cv::resize(bgr, image, cv::Size(width_, height_), 0, 0, cv::INTER_AREA);
  cv::cvtColor(image, image, channels_ == 1 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGR2RGB);
  const bool is_float = spec_.dtype == DType::Float32;
  if (is_float) {
    image.convertTo(image, CV_32F, 1.0 / 255.0);
    if (!spec_.mean.empty() || !spec_.std.empty()) {
      cv::Scalar mean, stdev(1, 1, 1, 1);
      for (int ch = 0; ch < channels_; ++ch) {
        if (!spec_.mean.empty()) mean[ch] = spec_.mean[spec_.mean.size() == 1 ? 0 : ch];
        if (!spec_.std.empty()) stdev[ch] = spec_.std[spec_.std.size() == 1 ? 0 : ch];
      }
      cv::subtract(image, mean, image);
      cv::divide(image, stdev, image);
    }
  }
  Shape shape = nchw_ ? Shape{1, channels_, height_, width_} : Shape{1, height_, width_, channels_};
  Tensor t(spec_.dtype, std::move(shape));
  if (!image.isContinuous()) image = image.clone();
  if (!nchw_ || channels_ == 1) {
    std::memcpy(t.bytes().data(), image.data, t.nbytes());
    return t;
  }
  // HWC -> CHW: one plane per channel.
  std::vector<cv::Mat> planes;
  const int type = is_float ? CV_32F : CV_8U;
  const std::size_t plane_bytes = t.nbytes() / 3;
  for (int ch = 0; ch < 3; ++ch) {
    planes.emplace_back(height_, width_, type, t.bytes().data() + ch * plane_bytes);
  }
  cv::split(image, planes);
  return t;
}

}  // namespace kenning
