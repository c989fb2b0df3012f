// The output collector family's class list; the frame-drawing collectors
// need OpenCV and are listed as unavailable without it.
#include "kenning/config.h"
#include "kenning/registries.h"
#include "outputcollectors/json_lines_writer.h"
#include "outputcollectors/name_printer.h"
#include "outputcollectors/video_recorder.h"
#include "outputcollectors/window_visualizer.h"

namespace kenning {

void register_output_collectors(Registry<OutputCollector>& r) {
#if KENNING_WITH_OPENCV
  r.add<JSONLinesWriter>("json_lines");
  r.add<NamePrinter>("name_printer");
  r.add<VideoRecorder>("video_recorder");
  r.add<WindowVisualizer>("window");
#else
  const char* reason = "built without KENNING_WITH_OPENCV";
  r.add_unavailable<JSONLinesWriter>("json_lines", reason);
  r.add_unavailable<NamePrinter>("name_printer", reason);
  r.add_unavailable<VideoRecorder>("video_recorder", reason);
  r.add_unavailable<WindowVisualizer>("window", reason);
#endif
}

}  // namespace kenning
