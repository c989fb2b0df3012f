#include "dataproviders/frame_conversion.h"

#include <cstring>

#include <opencv2/imgproc.hpp>

namespace kenning {

Tensor frame_from_mat(const cv::Mat& image, cv::Size size) {
  cv::Mat bgr;
  if (image.channels() == 1) {
    cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  } else if (image.channels() == 4) {
    cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
  } else {
    bgr = image;
  }
  if (bgr.depth() != CV_8U) bgr.convertTo(bgr, CV_8U);
  if (!size.empty() && bgr.size() != size) cv::resize(bgr, bgr, size, 0, 0, cv::INTER_AREA);
  if (!bgr.isContinuous()) bgr = bgr.clone();
  Tensor t(DType::UInt8, {bgr.rows, bgr.cols, 3});
  std::memcpy(t.bytes().data(), bgr.data, t.nbytes());
  return t;
}

}  // namespace kenning
