// Output collectors: files they write, what they draw, and the window shown
// on a real (virtual) X server compared with the frame written to disk.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/highgui.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "fashion_mnist_frames.h"
#include "outputcollectors/frame_annotator.h"
#include "outputcollectors/json_lines_writer.h"
#include "kenning/core/detection.h"
#include "kenning/core/error.h"
#include "kenning/core/frame.h"
#include "outputcollectors/name_printer.h"
#include "outputcollectors/video_recorder.h"
#include "outputcollectors/window_visualizer.h"
#include "xvfb_display.h"

namespace fs = std::filesystem;
using namespace kenning;

namespace {

fs::path temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("kenning-oc-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::vector<std::string> kLabels = {"T-shirt/top", "Trouser", "Pullover"};

TensorSpec scores_spec() {
  TensorSpec s;
  s.name = "output";
  s.shape = {-1, 3};
  s.dtype = DType::Float32;
  s.class_name = kLabels;
  return s;
}

Tensor scores(std::vector<float> v) { return Tensor::from<float>({1, static_cast<std::int64_t>(v.size())}, v); }

Tensor frame_of(const cv::Mat& bgr) {
  Tensor t(DType::UInt8, {bgr.rows, bgr.cols, 3});
  std::memcpy(t.bytes().data(), bgr.data, t.nbytes());
  return t;
}

// A grey 64x48 frame with a gradient, so drawings are easy to find.
Tensor test_frame() {
  cv::Mat m(48, 64, CV_8UC3);
  for (int y = 0; y < m.rows; ++y) {
    for (int x = 0; x < m.cols; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 2, y * 3, 100);
  }
  return frame_of(m);
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST(Detection, RoundTripsThroughTheTensorLayout) {
  const std::vector<Detection> in = {{0.1f, 0.2f, 0.5f, 0.6f, 1, "", 0.9f}, {0, 0, 1, 1, 7, "", 0.3f}};
  const Tensor t = detections_to_tensor(in);
  EXPECT_EQ(t.shape(), (Shape{2, kDetectionFields}));
  const auto out = detections_from_tensor(t.view(), kLabels);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].y2, 0.6f);
  EXPECT_EQ(out[0].label, "Trouser");
  EXPECT_EQ(out[1].label, "class 7");
  const Tensor wrong(DType::Float32, {2, 4});
  EXPECT_THROW(detections_from_tensor(wrong.view(), kLabels), ConfigError);
}

TEST(JSONLinesWriter, WritesOneLinePerFrameAndRenamesWhenComplete) {
  const auto dir = temp_dir("jsonl");
  const fs::path out = dir / "p.jsonl";
  JSONLinesWriter w({out});
  w.prepare({scores_spec(), TensorSpec{}});
  const Tensor a = scores({0.1f, 0.7f, 0.2f}), b = scores({0.8f, 0.1f, 0.1f});
  const TensorView none;
  for (const Tensor* t : {&a, &b}) {
    const TensorView in[] = {t->view(), none};
    w.process_output(in);
  }
  EXPECT_FALSE(fs::exists(out)) << "only the .partial file exists while the flow runs";
  w.close(true);
  const auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["frame"], 0);
  EXPECT_EQ(first["label"], "Trouser");
  EXPECT_EQ(first["class_id"], 1);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["label"], "T-shirt/top");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(JSONLinesWriter, FailedFlowLeavesNoFile) {
  const auto dir = temp_dir("jsonl-fail");
  JSONLinesWriter w({dir / "p.jsonl"});
  w.prepare({scores_spec(), TensorSpec{}});
  const Tensor a = scores({0.1f, 0.7f, 0.2f});
  const TensorView in[] = {a.view(), TensorView()};
  w.process_output(in);
  w.close(false);
  EXPECT_TRUE(fs::is_empty(dir));
  JSONLinesWriter unconnected({dir / "q.jsonl"});
  EXPECT_THROW(unconnected.prepare({TensorSpec{}, TensorSpec{}}), ConfigError);
  JSONLinesWriter no_folder({"/nonexistent/dir/p.jsonl"});
  EXPECT_THROW(no_folder.prepare({scores_spec(), TensorSpec{}}), IoError);
  fs::remove_all(dir);
}

TEST(NamePrinter, PrintsTheBestLabelOfEachFrame) {
  std::stringstream out;
  NamePrinter p({}, &out);
  p.prepare({scores_spec()});
  const Tensor a = scores({0.1f, 0.2f, 0.7f});
  const TensorView in[] = {a.view()};
  p.process_output(in);
  p.close(true);
  EXPECT_EQ(out.str(), "frame 0: Pullover (0.700)\n");
}

TEST(FrameAnnotator, DrawsTheTopLabelBannerAndDetectionBoxes) {
  FrameAnnotator annotator(128);
  annotator.prepare({frame_spec(), scores_spec(), detection_spec("boxes", kLabels)});
  const Tensor frame = test_frame();
  const Tensor s = scores({0.1f, 0.8f, 0.1f});
  const std::vector<Detection> boxes = {{0.5f, 0.5f, 0.9f, 0.9f, 0, "", 0.75f}};
  const Tensor d = detections_to_tensor(boxes);
  const TensorView plain[] = {frame.view(), TensorView(), TensorView()};
  const cv::Mat untouched = annotator.annotate(plain);
  EXPECT_EQ(untouched.cols, 128);  // enlarged twice
  const TensorView in[] = {frame.view(), s.view(), d.view()};
  const cv::Mat drawn = annotator.annotate(in);
  // The banner (black box, white text) covers the top-left corner.
  EXPECT_EQ(drawn.at<cv::Vec3b>(1, 1), cv::Vec3b(0, 0, 0));
  EXPECT_GT(cv::norm(drawn(cv::Rect(0, 0, 60, 12)), untouched(cv::Rect(0, 0, 60, 12))), 0);
  // The box's right edge at x = 0.9 * 128, between y = 0.5 * 96 and 0.9 * 96,
  // in the first class colour.
  EXPECT_EQ(drawn.at<cv::Vec3b>(70, 115), cv::Vec3b(56, 56, 255));
  EXPECT_EQ(drawn.at<cv::Vec3b>(90, 115), untouched.at<cv::Vec3b>(90, 115));
  EXPECT_EQ(drawn.at<cv::Vec3b>(20, 115), untouched.at<cv::Vec3b>(20, 115));
}

TEST(VideoRecorder, WritesPngFramesOrAVideoThatReadsBack) {
  const auto dir = temp_dir("video");
  const Tensor frame = test_frame();
  const Tensor s = scores({0.1f, 0.8f, 0.1f});
  const TensorView in[] = {frame.view(), s.view(), TensorView()};
  const std::vector<TensorSpec> connected = {frame_spec(), scores_spec(), TensorSpec{}};

  VideoRecorder pngs({dir / "frames", "MJPG", 25, 0});
  pngs.prepare(connected);
  for (int i = 0; i < 3; ++i) pngs.process_output(in);
  pngs.close(true);
  const cv::Mat written = cv::imread((dir / "frames" / "frame_000002.png").string());
  FrameAnnotator annotator(0);
  annotator.prepare(connected);
  EXPECT_EQ(cv::norm(written, annotator.annotate(in), cv::NORM_INF), 0) << "PNG frames are lossless";

  VideoRecorder video({dir / "out.avi", "MJPG", 25, 0});
  video.prepare(connected);
  for (int i = 0; i < 5; ++i) video.process_output(in);
  EXPECT_FALSE(fs::exists(dir / "out.avi"));
  EXPECT_TRUE(fs::exists(dir / "out.partial.avi"));
  video.close(true);
  EXPECT_FALSE(fs::exists(dir / "out.partial.avi"));
  cv::VideoCapture cap((dir / "out.avi").string());
  ASSERT_TRUE(cap.isOpened());
  EXPECT_EQ(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_COUNT)), 5);

  VideoRecorder failed({dir / "failed.avi", "MJPG", 25, 0});
  failed.prepare(connected);
  failed.process_output(in);
  failed.close(false);
  EXPECT_FALSE(fs::exists(dir / "failed.avi"));
  EXPECT_FALSE(fs::exists(dir / "failed.partial.avi"));
  EXPECT_THROW(VideoRecorder({dir / "x.avi", "MJPEG", 25, 0}), ConfigError);
  fs::remove_all(dir);
}

TEST(WindowVisualizer, WithoutDisplayFailsClearly) {
  const char* saved = std::getenv("DISPLAY");
  const std::string keep = saved ? saved : "";
  ::unsetenv("DISPLAY");
  WindowVisualizer w({"kenning-test", 0, 1});
  EXPECT_THROW(w.prepare({frame_spec(), TensorSpec{}, TensorSpec{}}), IoError);
  if (saved) ::setenv("DISPLAY", keep.c_str(), 1);
}

// The window shows exactly the frame VideoRecorder writes: a screenshot of
// the virtual screen must contain it pixel for pixel.
TEST(WindowVisualizer, ShowsTheSameImageTheRecorderWritesUnderXvfb) {
  if (std::system("command -v scrot >/dev/null 2>&1") != 0) GTEST_SKIP() << "scrot not installed";
  XvfbDisplay display;
  if (display.name().empty()) GTEST_SKIP() << "Xvfb not installed or did not start";
  const char* saved = std::getenv("DISPLAY");
  const std::string keep = saved ? saved : "";
  ::setenv("DISPLAY", display.name().c_str(), 1);
  const auto dir = temp_dir("window");
  const FashionSamples samples = load_fashion_samples(1);
  cv::Mat bgr;
  cv::cvtColor(samples.images[0], bgr, cv::COLOR_GRAY2BGR);
  const Tensor frame = frame_of(bgr);
  const Tensor s = scores({0.05f, 0.05f, 0.9f});
  const TensorView in[] = {frame.view(), s.view(), TensorView()};
  const std::vector<TensorSpec> connected = {frame_spec(), scores_spec(), TensorSpec{}};

  VideoRecorder recorder({dir / "frames", "MJPG", 25, 196});
  recorder.prepare(connected);
  recorder.process_output(in);
  recorder.close(true);
  const cv::Mat expected = cv::imread((dir / "frames" / "frame_000000.png").string());
  ASSERT_EQ(expected.cols, 196);

  WindowVisualizer window({"kenning-test", 196, 50});
  window.prepare(connected);
  double best_error = 1e9;
  const fs::path shot = dir / "screen.png";
  for (int attempt = 0; attempt < 20 && best_error > 0; ++attempt) {
    window.process_output(in);  // also lets the GUI paint for wait_ms
    fs::remove(shot);
    ASSERT_EQ(std::system(("scrot " + shot.string() + " >/dev/null 2>&1").c_str()), 0);
    const cv::Mat screen = cv::imread(shot.string());
    ASSERT_FALSE(screen.empty());
    cv::Mat result;
    cv::matchTemplate(screen, expected, result, cv::TM_SQDIFF);
    double min_value = 0;
    cv::Point at;
    cv::minMaxLoc(result, &min_value, nullptr, &at);
    best_error = cv::norm(screen(cv::Rect(at, expected.size())), expected, cv::NORM_INF);
  }
  EXPECT_FALSE(window.should_close());
  EXPECT_EQ(best_error, 0) << "the screenshot does not contain the frame the recorder wrote";
  // Closing the window (as its close button does) asks the flow to stop.
  cv::destroyWindow("kenning-test");
  cv::waitKey(50);
  window.process_output(in);
  EXPECT_TRUE(window.should_close());
  window.close(true);
  fs::remove_all(dir);
  if (saved) ::setenv("DISPLAY", keep.c_str(), 1);
}
