// WindowVisualizer: shows annotated frames (frame_annotator.h) in an OpenCV
// HighGUI window. Closing the window or pressing q / Esc asks the flow to
// stop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kenning/core/params.h"
#include "kenning/output_collector.h"

namespace kenning {

// OpenCV types stay out of this header (the annotator draws with them), so
// the registry compiles without OpenCV's headers.
class FrameAnnotator;

class WindowVisualizer : public OutputCollector {
 public:
  struct Params {
    std::string window_name = "kenning";
    std::int64_t min_width = 0;
    // How long each frame waits for a key (and lets the window redraw).
    std::int64_t wait_ms = 1;
  };
  static const ParamSchema<Params>& schema();
  explicit WindowVisualizer(const Params& params);
  ~WindowVisualizer() override;

  std::vector<TensorSpec> input_spec() const override;
  std::vector<std::string> optional_inputs() const override;
  // Throws IoError when no window can be opened (e.g. no display).
  void prepare(const std::vector<TensorSpec>& connected) override;
  void process_output(std::span<const TensorView> inputs) override;
  bool should_close() const override { return close_requested_; }
  void close(bool completed) override;

 private:
  bool window_visible() const;

  Params params_;
  std::unique_ptr<FrameAnnotator> annotator_;
  bool open_ = false;
  bool shown_ = false;
  bool close_requested_ = false;
};

}  // namespace kenning
