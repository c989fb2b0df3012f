// WindowVisualizer's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "outputcollectors/window_visualizer.h"

namespace kenning {

const ParamSchema<WindowVisualizer::Params>& WindowVisualizer::schema() {
  static const auto s =
      ParamSchema<Params>("WindowVisualizer", "Shows frames with predictions drawn on them in a window")
          .field("window_name", &Params::window_name, "Title of the window")
          .field("min_width", &Params::min_width, "Enlarge narrower frames to at least this width; 0: never")
          .range(0, 16384)
          .field("wait_ms", &Params::wait_ms, "Milliseconds each frame waits for a key press")
          .range(1, 10000);
  return s;
}

}  // namespace kenning
