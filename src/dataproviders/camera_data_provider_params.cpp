// CameraDataProvider's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "dataproviders/camera_data_provider.h"

namespace kenning {

const ParamSchema<CameraDataProvider::Params>& CameraDataProvider::schema() {
  static const auto s =
      ParamSchema<Params>("CameraDataProvider",
                          "Frames from a camera (index or /dev/videoN) or a video file (OpenCV VideoCapture)")
          .field("video_source", &Params::video_source, "Camera index (\"0\"), device path or video file")
          .field("width", &Params::width, "Frame width; 0: the source's").range(0, 16384)
          .field("height", &Params::height, "Frame height; 0: the source's").range(0, 16384)
          .field("fps", &Params::fps, "Frames per second asked of a camera; 0: its default").range(0, 1000);
  return s;
}

}  // namespace kenning
