// VideoRecorder: writes annotated frames (frame_annotator.h) to a video file
// (.avi, .mp4, .mkv) or, for any other path, as numbered PNG files into that
// folder. The video is written as a .partial file and renamed when the flow
// completes; when it fails, the partial file is removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kenning/core/params.h"
#include "kenning/output_collector.h"

namespace kenning {

// OpenCV types stay out of this header (the annotator draws with them), so
// the registry compiles without OpenCV's headers.
class FrameAnnotator;

class VideoRecorder : public OutputCollector {
 public:
  struct Params {
    std::filesystem::path output_path;
    std::string fourcc = "MJPG";
    double fps = 25;
    std::int64_t min_width = 0;
  };
  static const ParamSchema<Params>& schema();
  explicit VideoRecorder(const Params& params);
  ~VideoRecorder() override;

  std::vector<TensorSpec> input_spec() const override;
  std::vector<std::string> optional_inputs() const override;
  void prepare(const std::vector<TensorSpec>& connected) override;
  void process_output(std::span<const TensorView> inputs) override;
  void close(bool completed) override;

  std::size_t frames_written() const { return frames_; }

 private:
  struct State;
  Params params_;
  std::unique_ptr<FrameAnnotator> annotator_;
  std::unique_ptr<State> state_;
  bool video_ = false;
  std::size_t frames_ = 0;
};

}  // namespace kenning
