// The output collector family's class list; the frame-drawing collectors
// need OpenCV and are listed as unavailable without it.
#include "kenning/config.h"
#include "kenning/registries.h"

#if KENNING_WITH_OPENCV
#include "outputcollectors/json_lines_writer.h"
#include "outputcollectors/name_printer.h"
#include "outputcollectors/video_recorder.h"
#include "outputcollectors/window_visualizer.h"
#endif

namespace kenning {

void register_output_collectors(Registry<OutputCollector>& r) {
#if KENNING_WITH_OPENCV
  r.add<JSONLinesWriter>("json_lines");
  r.add<NamePrinter>("name_printer");
  r.add<VideoRecorder>("video_recorder");
  r.add<WindowVisualizer>("window");
#else
  const char* reason = "built without KENNING_WITH_OPENCV";
  r.add_unavailable("JSONLinesWriter", "json_lines", "Writes predictions as JSON lines", reason);
  r.add_unavailable("NamePrinter", "name_printer", "Prints the best class of every frame", reason);
  r.add_unavailable("VideoRecorder", "video_recorder", "Writes annotated frames to a video", reason);
  r.add_unavailable("WindowVisualizer", "window", "Shows annotated frames in a window", reason);
#endif
}

}  // namespace kenning
