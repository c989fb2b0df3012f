#include "outputcollectors/window_visualizer.h"

#include <cstdlib>

#include <opencv2/highgui.hpp>

#include "kenning/core/error.h"
#include "outputcollectors/frame_annotator.h"

namespace kenning {

WindowVisualizer::WindowVisualizer(const Params& params)
    : params_(params), annotator_(std::make_unique<FrameAnnotator>(static_cast<int>(params.min_width))) {
  schema().check(params_);
}

WindowVisualizer::~WindowVisualizer() { close(false); }

std::vector<TensorSpec> WindowVisualizer::input_spec() const { return FrameAnnotator::input_spec(); }
std::vector<std::string> WindowVisualizer::optional_inputs() const { return FrameAnnotator::optional_inputs(); }

void WindowVisualizer::prepare(const std::vector<TensorSpec>& connected) {
  annotator_->prepare(connected);
  // HighGUI aborts the process rather than throw when there is no display.
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((display == nullptr || *display == '\0') && (wayland == nullptr || *wayland == '\0')) {
    throw IoError("WindowVisualizer: no display to open window '" + params_.window_name + "' on (DISPLAY is not set)");
  }
  try {
    // GUI_NORMAL: no toolbar or status bar, so the window shows the frame alone.
    cv::namedWindow(params_.window_name, cv::WINDOW_AUTOSIZE | cv::WINDOW_GUI_NORMAL);
    cv::moveWindow(params_.window_name, 0, 0);
  } catch (const cv::Exception& e) {
    throw IoError("WindowVisualizer: cannot open window '" + params_.window_name + "': " + e.what());
  }
  open_ = true;
  shown_ = false;
  close_requested_ = false;
}

void WindowVisualizer::process_output(std::span<const TensorView> inputs) {
  if (!open_) throw IoError("WindowVisualizer: process_output before prepare");
  // Checked before imshow, which would open a window the user closed again.
  if (shown_ && !window_visible()) {
    close_requested_ = true;
    return;
  }
  cv::imshow(params_.window_name, annotator_->annotate(inputs));
  shown_ = true;
  const int key = cv::waitKey(static_cast<int>(params_.wait_ms));
  if (key == 'q' || key == 27) close_requested_ = true;
}

bool WindowVisualizer::window_visible() const {
  try {
    return cv::getWindowProperty(params_.window_name, cv::WND_PROP_VISIBLE) >= 1;
  } catch (const cv::Exception&) {
    return false;  // some HighGUI backends throw for a window that is gone
  }
}

void WindowVisualizer::close(bool /*completed*/) {
  if (!open_) return;
  open_ = false;
  try {
    cv::destroyWindow(params_.window_name);
    cv::waitKey(1);  // lets the GUI loop process the destruction
  } catch (const cv::Exception&) {
    // Already gone (closed by the user): nothing left to release.
  }
}

}  // namespace kenning
