// Flow definitions (structure, graph, I/O spec checks) and whole flows run
// with the project's Fashion-MNIST CNN on images and a video made from the
// Fashion-MNIST test set.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <asio.hpp>

#include <nlohmann/json.hpp>

#include "fashion_mnist_frames.h"
#include "flow/flow_definition.h"
#include "kenning/core/error.h"
#include "flow/kenning_flow.h"

namespace fs = std::filesystem;
using namespace kenning;
using nlohmann::json;

namespace {

fs::path temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("kenning-flow-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const json kModel = {
    {"model_wrapper",
     {{"type", "PyTorchFashionMNISTCNN"}, {"parameters", {{"model_path", "models/fashion-mnist-cnn.onnx"}}}}},
    {"runtime", {{"type", "OpenCVRuntime"}, {"parameters", {{"num_threads", 1}}}}}};

json provider(const std::string& type, json params) {
  return {{"type", type}, {"parameters", std::move(params)}, {"outputs", {{"frame", "frames"}}}};
}
json model_runner() {
  return {{"type", "ModelRuntimeRunner"},
          {"parameters", kModel},
          {"inputs", {{"input", "frames"}}},
          {"outputs", {{"output", "scores"}}}};
}
json jsonl_writer(const fs::path& out) {
  return {{"type", "JSONLinesWriter"},
          {"parameters", {{"output_path", out.string()}}},
          {"inputs", {{"predictions", "scores"}}}};
}

std::string config_error(const json& flow) {
  std::atomic<bool> stop{false};
  try {
    KenningFlow f(parse_flow(flow, "f.json"), {}, stop);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::vector<int> predicted_classes(const fs::path& jsonl) {
  std::ifstream in(jsonl);
  std::vector<int> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line)["class_id"].get<int>());
  return out;
}

FlowStats run_flow(const json& flow, FlowOptions options = {}) {
  std::atomic<bool> stop{false};
  KenningFlow f(parse_flow(flow, "f.json"), options, stop);
  return f.run();
}

}  // namespace

TEST(FlowDefinition, RejectsMalformedBlocksNamingTheRunner) {
  EXPECT_THROW(parse_flow(json::object(), "f.json"), ConfigError);
  EXPECT_THROW(parse_flow(json::array(), "f.json"), ConfigError);
  try {
    parse_flow(json::array({{{"type", "NamePrinter"}, {"input", json::object()}}}), "f.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("runner 0 (NamePrinter): unknown key 'input'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_flow(json::array({{{"type", "X"}, {"inputs", {{"a", 3}}}}}), "f.json"), ConfigError);
}

TEST(FlowDefinition, OrdersRunnersFromProvidersToCollectors) {
  const json flow =
      json::array({jsonl_writer("/tmp/x"), model_runner(), provider("ImageFolderDataProvider", json::object())});
  EXPECT_EQ(flow_order(parse_flow(flow, "f.json")), (std::vector<std::size_t>{2, 1, 0}));
}

TEST(FlowDefinition, DanglingInputCycleAndDoubleWriterAreErrors) {
  json dangling = json::array({model_runner(), jsonl_writer("/tmp/x")});
  try {
    flow_order(parse_flow(dangling, "f.json"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("runner 0 (ModelRuntimeRunner): input 'input' reads connection 'frames', "
                                         "which no runner writes (dangling input)"),
              std::string::npos)
        << e.what();
  }
  json cycle = json::array({{{"type", "A"}, {"inputs", {{"i", "c2"}}}, {"outputs", {{"o", "c1"}}}},
                            {{"type", "B"}, {"inputs", {{"i", "c1"}}}, {"outputs", {{"o", "c2"}}}}});
  try {
    flow_order(parse_flow(cycle, "f.json"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("runner 1 (B)"), std::string::npos) << e.what();
  }
  json twice = json::array(
      {provider("ImageFolderDataProvider", json::object()), provider("CameraDataProvider", json::object())});
  EXPECT_THROW(flow_order(parse_flow(twice, "f.json")), ConfigError);
}

TEST(KenningFlow, MismatchedSpecsNameBothEnds) {
  // A frame (uint8 [h, w, 3]) cannot feed class scores.
  const json flow = json::array({provider("ImageFolderDataProvider", {{"directory", "/tmp"}}),
                                 {{"type", "NamePrinter"}, {"inputs", {{"predictions", "frames"}}}}});
  const std::string e = config_error(flow);
  EXPECT_NE(e.find("runner 1 (NamePrinter): input 'predictions' expects float32 [-1, -1]"), std::string::npos) << e;
  EXPECT_NE(e.find("carries uint8 [-1, -1, 3] from runner 0 (ImageFolderDataProvider) output 'frame'"),
            std::string::npos)
      << e;
}

TEST(KenningFlow, UnknownNamesTypesAndUnconnectedInputsAreErrors) {
  json flow = json::array({provider("ImageFolderDataProvider", {{"directory", "/tmp"}}),
                           model_runner(),
                           {{"type", "NamePrinter"}, {"inputs", {{"scores", "scores"}}}}});
  EXPECT_NE(config_error(flow).find("'scores' is not an input of NamePrinter; its inputs: predictions"),
            std::string::npos)
      << config_error(flow);
  flow[2] = {{"type", "NamePrinter"}};
  EXPECT_NE(config_error(flow).find("input 'predictions' (float32 [-1, -1]) is not connected"), std::string::npos);
  flow[2] = {{"type", "NoSuchCollector"}};
  EXPECT_NE(config_error(flow).find("unknown runner type 'NoSuchCollector'"), std::string::npos);
  flow[1]["parameters"]["model_wrapper"]["parameters"]["batch"] = 3;
  EXPECT_NE(config_error(flow).find("batch"), std::string::npos);
}

TEST(KenningFlow, ClassifiesAFolderOfFashionMnistImages) {
  const auto dir = temp_dir("folder");
  const FashionSamples s = load_fashion_samples(300);
  write_image_folder(s, dir / "images");
  const json flow = json::array({provider("ImageFolderDataProvider", {{"directory", (dir / "images").string()}}),
                                 model_runner(), jsonl_writer(dir / "p.jsonl")});
  const FlowStats stats = run_flow(flow);
  EXPECT_EQ(stats.steps, 300u);
  EXPECT_EQ(stats.stop_reason, "provider ended");
  const auto predicted = predicted_classes(dir / "p.jsonl");
  ASSERT_EQ(predicted.size(), 300u);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == s.labels[i];
  EXPECT_GE(correct, 255u) << "accuracy " << correct / 300.0 << " (the CNN reaches ~0.90)";
  fs::remove_all(dir);
}

TEST(KenningFlow, VideoGivesTheFolderPredictionsPipelinedOrNot) {
  const auto dir = temp_dir("video");
  const FashionSamples s = load_fashion_samples(200);
  write_image_folder(s, dir / "images");
  write_video(s, dir / "v.avi");
  run_flow(json::array({provider("ImageFolderDataProvider", {{"directory", (dir / "images").string()}}), model_runner(),
                        jsonl_writer(dir / "folder.jsonl")}));
  const json video = json::array({provider("CameraDataProvider", {{"video_source", (dir / "v.avi").string()}}),
                                  model_runner(), jsonl_writer(dir / "video.jsonl")});
  const FlowStats pipelined = run_flow(video);
  const auto from_video = predicted_classes(dir / "video.jsonl");
  run_flow(video, {false, 0});
  EXPECT_EQ(predicted_classes(dir / "video.jsonl"), from_video) << "prefetching must not change results";
  EXPECT_EQ(pipelined.steps, 200u);
  const auto from_folder = predicted_classes(dir / "folder.jsonl");
  ASSERT_EQ(from_video.size(), from_folder.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < from_video.size(); ++i) same += from_video[i] == from_folder[i];
  EXPECT_GE(same, 190u) << "MJPEG loss may flip a few borderline images, not more";
  fs::remove_all(dir);
}

TEST(KenningFlow, MaxStepsStopsALoopingProviderAndFilesAreComplete) {
  const auto dir = temp_dir("loop");
  write_image_folder(load_fashion_samples(5), dir / "images");
  const json flow =
      json::array({provider("ImageFolderDataProvider", {{"directory", (dir / "images").string()}, {"loop", true}}),
                   model_runner(),
                   jsonl_writer(dir / "p.jsonl"),
                   {{"type", "VideoRecorder"},
                    {"parameters", {{"output_path", (dir / "out.avi").string()}, {"min_width", 112}}},
                    {"inputs", {{"frame", "frames"}, {"predictions", "scores"}}}}});
  const FlowStats stats = run_flow(flow, {true, 12});
  EXPECT_EQ(stats.steps, 12u);
  EXPECT_EQ(stats.stop_reason, "max steps");
  EXPECT_EQ(predicted_classes(dir / "p.jsonl").size(), 12u);
  cv::VideoCapture cap((dir / "out.avi").string());
  EXPECT_EQ(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_COUNT)), 12);
  EXPECT_EQ(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_WIDTH)), 112);
  fs::remove_all(dir);
}

TEST(KenningFlow, AFailingRunnerLeavesNoHalfWrittenFiles) {
  const auto dir = temp_dir("fail");
  write_image_folder(load_fashion_samples(3), dir / "images");
  // The video cannot be opened: the flow fails at the first frame, after the
  // JSON lines writer has started its file.
  const json flow = json::array({provider("ImageFolderDataProvider", {{"directory", (dir / "images").string()}}),
                                 model_runner(),
                                 jsonl_writer(dir / "p.jsonl"),
                                 {{"type", "VideoRecorder"},
                                  {"parameters", {{"output_path", (dir / "out.avi").string()}, {"fourcc", "ZZZZ"}}},
                                  {"inputs", {{"frame", "frames"}}}}});
  EXPECT_THROW(run_flow(flow), IoError);
  EXPECT_FALSE(fs::exists(dir / "p.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "p.partial.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "out.avi"));
  fs::remove_all(dir);
}

TEST(KenningFlow, StopFlagEndsTheRunCleanly) {
  const auto dir = temp_dir("stop");
  write_image_folder(load_fashion_samples(2), dir / "images");
  const json flow =
      json::array({provider("ImageFolderDataProvider", {{"directory", (dir / "images").string()}, {"loop", true}}),
                   model_runner(), jsonl_writer(dir / "p.jsonl")});
  std::atomic<bool> stop{true};
  KenningFlow f(parse_flow(flow, "f.json"), {}, stop);
  const FlowStats stats = f.run();
  EXPECT_EQ(stats.stop_reason, "interrupted");
  EXPECT_TRUE(fs::exists(dir / "p.jsonl"));
  fs::remove_all(dir);
}

namespace {

// A port nothing listens on right now.
int free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Connects (retrying while the flow starts) and sends each image as PNG.
void send_images(int port, const std::vector<cv::Mat>& images) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (!ec) break;
    socket.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::vector<unsigned char> png;
  for (const cv::Mat& image : images) {
    cv::imencode(".png", image, png);
    const auto n = static_cast<std::uint32_t>(png.size());
    const unsigned char header[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                                     static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
    asio::write(socket, asio::buffer(header, 4));
    asio::write(socket, asio::buffer(png));
  }
}  // closing the connection ends the stream

}  // namespace

TEST(KenningFlow, ClassifiesFramesStreamedOverLoopbackTcp) {
  const auto dir = temp_dir("tcp");
  const FashionSamples s = load_fashion_samples(40);
  const int port = free_port();
  const json flow = json::array({provider("TCPDataProvider", {{"port", port}, {"timeout_ms", 10000}}), model_runner(),
                                 jsonl_writer(dir / "p.jsonl")});
  std::thread client([&] { send_images(port, s.images); });
  const FlowStats stats = run_flow(flow);
  client.join();
  EXPECT_EQ(stats.steps, 40u);
  const auto predicted = predicted_classes(dir / "p.jsonl");
  ASSERT_EQ(predicted.size(), 40u);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == s.labels[i];
  EXPECT_GE(correct, 34u);
  fs::remove_all(dir);
}
