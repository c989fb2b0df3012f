// CameraDataProvider's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "dataproviders/camera_data_provider.h"

namespace kenning {

const ParamSchema<CameraDataProvider::Params>& CameraDataProvider::schema() {
  static const auto s =
      ParamSchema<Params>("CameraDataProvider",
                          "Frames from a camera (index or /dev/videoN) or a video file (OpenCV VideoCapture)")
          .field("video_source", &Params::video_source, "Camera index (\"0\"), device path or video file")
          .alias("video_file_path")
          .field("width", &Params::width, "Frame width; 0: the source's")
          .range(0, 16384)
          .alias("input_width")
          .field("height", &Params::height, "Frame height; 0: the source's")
          .range(0, 16384)
          .alias("input_height")
          .field("fps", &Params::fps, "Frames per second asked of a camera; 0: its default")
          .range(0, 1000)
          // Upstream's provider lays out and colours the model's input; here the
          // flow's model runner does that, as the model wrapper declares.
          .ignored("input_memory_layout", ParamType::String, "the model runner lays out the input as the model needs")
          .one_of({"NCHW", "NHWC"})
          .ignored("input_color_format", ParamType::String, "the model runner converts colours as the model needs")
          .one_of({"BGR", "RGB"});
  return s;
}

}  // namespace kenning
