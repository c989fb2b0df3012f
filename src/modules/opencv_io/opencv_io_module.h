// OpenCV's video, image-codec and GUI half of kenning, as a module loaded on
// first use (modules/module_loader.h).
//
// libopencv_videoio, _imgcodecs and _highgui bring FFmpeg, GStreamer, GDAL and
// Qt: over 200 shared libraries, whose loading and initialisation cost every
// process that links them. Only this module links them; the registries build
// the classes that need them through its table (Registry::add_built_by), and
// the detection datasets read images through it. OpenCV's core, imgproc and
// dnn (OpenCVRuntime) stay linked as usual: they are cheap to load.
//
// Only built with KENNING_WITH_OPENCV.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include <opencv2/core/mat.hpp>

#include "dataproviders/camera_data_provider.h"
#include "dataproviders/image_folder_data_provider.h"
#include "dataproviders/tcp_data_provider.h"
#include "modules/module_loader.h"
#include "outputcollectors/video_recorder.h"
#include "outputcollectors/window_visualizer.h"

namespace kenning::opencv_io_module {

// Bumped whenever Api changes: a module from another build is refused.
inline constexpr std::uint32_t kAbiVersion = 1;

struct Api {
  std::uint32_t abi_version = 0;
  std::unique_ptr<DataProvider> (*make_camera_provider)(const CameraDataProvider::Params&) = nullptr;
  std::unique_ptr<DataProvider> (*make_image_folder_provider)(const ImageFolderDataProvider::Params&) = nullptr;
  std::unique_ptr<DataProvider> (*make_tcp_provider)(const TCPDataProvider::Params&) = nullptr;
  std::unique_ptr<OutputCollector> (*make_video_recorder)(const VideoRecorder::Params&) = nullptr;
  std::unique_ptr<OutputCollector> (*make_window_visualizer)(const WindowVisualizer::Params&) = nullptr;
  // cv::imread(path, IMREAD_COLOR): BGR, empty when the file is not an image.
  cv::Mat (*read_color_image)(const std::filesystem::path&) = nullptr;
};

// The module: build/lib/kenning/libkenning_opencv_io.so, or
// $KENNING_OPENCV_IO_MODULE; module_entry.cpp exports the entry symbol.
inline constexpr modules::ModuleSpec kModule{"libkenning_opencv_io.so", "KENNING_OPENCV_IO_MODULE",
                                             "kenning_opencv_io_module_v1", kAbiVersion,
                                             "OpenCV's video, image and window support"};

// The table, loading the module on the first call. When it cannot be loaded,
// throws NotSupported: "<what> needs OpenCV's ..., and " + why.
inline const Api& api(std::string_view what) { return modules::module_api<Api>(kModule, what); }

}  // namespace kenning::opencv_io_module
