#include "dataproviders/camera_data_provider.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <opencv2/videoio.hpp>

#include "dataproviders/frame_conversion.h"
#include "kenning/core/error.h"
#include "kenning/core/frame.h"

namespace kenning {

struct CameraDataProvider::State {
  cv::VideoCapture capture;
  cv::Mat image;
  cv::Size size;  // empty: keep the source's size
};

CameraDataProvider::CameraDataProvider(const Params& params) : params_(params), state_(std::make_unique<State>()) {
  schema().check(params_);
  if ((params_.width == 0) != (params_.height == 0)) {
    throw ConfigError("CameraDataProvider: parameters 'width' and 'height' must be given together");
  }
}

CameraDataProvider::~CameraDataProvider() { close(); }

void CameraDataProvider::prepare() {
  const std::string& src = params_.video_source;
  const bool is_index =
      !src.empty() && std::all_of(src.begin(), src.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  State& s = *state_;
  if (is_index) {
    s.capture.open(std::stoi(src), cv::CAP_ANY);
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(src, ec)) {
      throw IoError("CameraDataProvider: video_source '" + src + "': no such device or file");
    }
    s.capture.open(src, cv::CAP_ANY);
  }
  if (!s.capture.isOpened()) {
    throw IoError("CameraDataProvider: cannot open video_source '" + src + "'" +
                  (is_index ? " (camera index " + src + ": is /dev/video" + src + " present and free?)"
                            : " (not a readable camera or video file)"));
  }
  if (params_.width > 0) {
    s.capture.set(cv::CAP_PROP_FRAME_WIDTH, static_cast<double>(params_.width));
    s.capture.set(cv::CAP_PROP_FRAME_HEIGHT, static_cast<double>(params_.height));
    s.size = cv::Size(static_cast<int>(params_.width), static_cast<int>(params_.height));
  }
  if (params_.fps > 0) s.capture.set(cv::CAP_PROP_FPS, params_.fps);
}

std::optional<std::vector<Tensor>> CameraDataProvider::fetch_input() {
  State& s = *state_;
  if (!s.capture.isOpened()) throw IoError("CameraDataProvider: fetch_input before prepare");
  // A failed read is the end of a file, or a camera that went away.
  if (!s.capture.read(s.image) || s.image.empty()) return std::nullopt;
  std::vector<Tensor> out;
  out.push_back(frame_from_mat(s.image, s.size));
  return out;
}

std::vector<TensorSpec> CameraDataProvider::output_spec() const { return {frame_spec()}; }

void CameraDataProvider::close() {
  if (state_ && state_->capture.isOpened()) state_->capture.release();
}

}  // namespace kenning
