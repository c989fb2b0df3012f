// VideoRecorder's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "outputcollectors/video_recorder.h"

namespace kenning {

const ParamSchema<VideoRecorder::Params>& VideoRecorder::schema() {
  static const auto s =
      ParamSchema<Params>("VideoRecorder",
                          "Writes frames with predictions drawn on them to a video file or a folder of PNGs")
          .field("output_path", &Params::output_path, "Video file (.avi, .mp4, .mkv) or folder for PNG frames")
          .required()
          .field("fourcc", &Params::fourcc, "Video codec as a four-character code")
          .field("fps", &Params::fps, "Frame rate written in the video")
          .range(0.1, 1000)
          .field("min_width", &Params::min_width, "Enlarge narrower frames to at least this width; 0: never")
          .range(0, 16384);
  return s;
}

}  // namespace kenning
