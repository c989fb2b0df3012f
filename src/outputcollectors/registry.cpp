// The output collector family's class list; the frame-drawing collectors
// need OpenCV and are listed as unavailable without it.
#include "kenning/config.h"
#include "kenning/registries.h"
#if KENNING_WITH_OPENCV
#include "modules/opencv_io/opencv_io_module.h"
#endif
#include "outputcollectors/json_lines_writer.h"
#include "outputcollectors/name_printer.h"
#include "outputcollectors/video_recorder.h"
#include "outputcollectors/window_visualizer.h"

namespace kenning {

void register_output_collectors(Registry<OutputCollector>& r) {
#if KENNING_WITH_OPENCV
  r.add<JSONLinesWriter>("json_lines");
  r.add<NamePrinter>("name_printer");
  // Built by the OpenCV I/O module (opencv_io_module.h), loaded on first use.
  r.add_built_by<VideoRecorder>("video_recorder", [](const VideoRecorder::Params& p) {
    return opencv_io_module::api("VideoRecorder").make_video_recorder(p);
  });
  r.add_built_by<WindowVisualizer>("window", [](const WindowVisualizer::Params& p) {
    return opencv_io_module::api("WindowVisualizer").make_window_visualizer(p);
  });
#else
  const char* reason = "built without KENNING_WITH_OPENCV";
  r.add_unavailable<JSONLinesWriter>("json_lines", reason);
  r.add_unavailable<NamePrinter>("name_printer", reason);
  r.add_unavailable<VideoRecorder>("video_recorder", reason);
  r.add_unavailable<WindowVisualizer>("window", reason);
#endif
}

}  // namespace kenning
