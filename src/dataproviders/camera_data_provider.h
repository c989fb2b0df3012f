// CameraDataProvider: frames from a camera (device index or /dev/videoN) or
// a video file, through OpenCV's VideoCapture.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kenning/core/params.h"
#include "kenning/data_provider.h"

namespace kenning {

class CameraDataProvider : public DataProvider {
 public:
  struct Params {
    // A number is a camera index; anything else a device or file path.
    std::string video_source = "0";
    // 0: the device's or file's own value. A camera that cannot deliver the
    // requested size gets its frames resized, so the flow sees what was asked.
    std::int64_t width = 0;
    std::int64_t height = 0;
    double fps = 0;
  };
  static const ParamSchema<Params>& schema();
  explicit CameraDataProvider(const Params& params);
  ~CameraDataProvider() override;

  void prepare() override;
  std::optional<std::vector<Tensor>> fetch_input() override;
  std::vector<TensorSpec> output_spec() const override;
  void close() override;

 private:
  struct State;
  Params params_;
  std::unique_ptr<State> state_;
};

}  // namespace kenning
