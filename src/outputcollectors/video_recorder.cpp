#include "outputcollectors/video_recorder.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "kenning/core/error.h"
#include "outputcollectors/frame_annotator.h"
#include "outputcollectors/partial_path.h"

namespace kenning {
namespace fs = std::filesystem;

struct VideoRecorder::State {
  cv::VideoWriter writer;
  fs::path partial;
  std::vector<unsigned char> encoded;
};

VideoRecorder::VideoRecorder(const Params& params)
    : params_(params),
      annotator_(std::make_unique<FrameAnnotator>(static_cast<int>(params.min_width))),
      state_(std::make_unique<State>()) {
  schema().check(params_);
  if (params_.fourcc.size() != 4) {
    throw ConfigError("VideoRecorder: parameter 'fourcc': expected four characters, got '" + params_.fourcc + "'");
  }
  std::string ext = params_.output_path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  video_ = ext == ".avi" || ext == ".mp4" || ext == ".mkv";
}

VideoRecorder::~VideoRecorder() { close(false); }

std::vector<TensorSpec> VideoRecorder::input_spec() const { return FrameAnnotator::input_spec(); }
std::vector<std::string> VideoRecorder::optional_inputs() const { return FrameAnnotator::optional_inputs(); }

void VideoRecorder::prepare(const std::vector<TensorSpec>& connected) {
  annotator_->prepare(connected);
  frames_ = 0;
  if (video_) {
    check_parent_folder(params_.output_path, "VideoRecorder output_path");
    state_->partial = partial_path(params_.output_path);
    return;  // the writer opens on the first frame, when its size is known
  }
  std::error_code ec;
  fs::create_directories(params_.output_path, ec);
  if (!fs::is_directory(params_.output_path, ec)) {
    throw IoError("VideoRecorder: output_path '" + params_.output_path.string() + "': cannot create folder");
  }
}

void VideoRecorder::process_output(std::span<const TensorView> inputs) {
  const cv::Mat image = annotator_->annotate(inputs);
  State& s = *state_;
  if (video_) {
    if (!s.writer.isOpened()) {
      const auto& c = params_.fourcc;
      s.writer.open(s.partial.string(), cv::VideoWriter::fourcc(c[0], c[1], c[2], c[3]), params_.fps, image.size());
      if (!s.writer.isOpened()) {
        throw IoError("VideoRecorder: cannot write video '" + s.partial.string() + "' with fourcc '" + c + "'");
      }
    }
    s.writer.write(image);
  } else {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%06zu.png", frames_);
    const fs::path file = params_.output_path / name;
    const fs::path partial = partial_path(file);
    cv::imencode(".png", image, s.encoded);
    std::ofstream out(partial, std::ios::binary);
    out.write(reinterpret_cast<const char*>(s.encoded.data()), static_cast<std::streamsize>(s.encoded.size()));
    out.close();
    if (!out) throw IoError("VideoRecorder: cannot write '" + partial.string() + "'");
    fs::rename(partial, file);
  }
  ++frames_;
}

void VideoRecorder::close(bool completed) {
  if (!state_) return;
  State& s = *state_;
  if (!s.writer.isOpened()) return;
  s.writer.release();
  std::error_code ec;
  if (completed) {
    fs::rename(s.partial, params_.output_path, ec);
    if (ec)
      throw IoError("VideoRecorder: cannot rename '" + s.partial.string() + "' to '" + params_.output_path.string() +
                    "': " + ec.message());
  } else {
    fs::remove(s.partial, ec);
  }
}

}  // namespace kenning
