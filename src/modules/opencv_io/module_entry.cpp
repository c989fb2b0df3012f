// The module's one exported symbol: the table of opencv_io_module.h, filled
// with the classes and functions linked into this module.
#include <opencv2/imgcodecs.hpp>

#include "modules/opencv_io/opencv_io_module.h"

namespace kenning::opencv_io_module {
namespace {

template <class C, class Base>
std::unique_ptr<Base> make(const typename C::Params& params) {
  return std::make_unique<C>(params);
}

cv::Mat read_color_image(const std::filesystem::path& path) { return cv::imread(path.string(), cv::IMREAD_COLOR); }

Api make_api() {
  Api api;
  api.abi_version = kAbiVersion;
  api.make_camera_provider = &make<CameraDataProvider, DataProvider>;
  api.make_image_folder_provider = &make<ImageFolderDataProvider, DataProvider>;
  api.make_tcp_provider = &make<TCPDataProvider, DataProvider>;
  api.make_video_recorder = &make<VideoRecorder, OutputCollector>;
  api.make_window_visualizer = &make<WindowVisualizer, OutputCollector>;
  api.read_color_image = &read_color_image;
  return api;
}

}  // namespace
}  // namespace kenning::opencv_io_module

extern "C" __attribute__((visibility("default"))) const kenning::opencv_io_module::Api* kenning_opencv_io_module_v1() {
  static const kenning::opencv_io_module::Api api = kenning::opencv_io_module::make_api();
  return &api;
}
