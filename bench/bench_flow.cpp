// How much `kenning flow` adds over its stages: a video made from the
// Fashion-MNIST test set is decoded, classified by the project's CNN and
// drawn into an annotated video, first stage by stage (each alone, timed),
// then as one flow, sequential and pipelined. Prints the stage times, the
// flow's wall time and wall / (decode + inference + drawing).
//
//   bench_flow [frames=2000] [video=build/fashion-mnist-test.avi]
// The video is written first (and left there for scenarios/flow-fashion-mnist.json).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "camera_data_provider.h"
#include "fashion_mnist_frames.h"
#include "kenning/core/frame.h"
#include "kenning_flow.h"
#include "model_runtime_runner.h"
#include "video_recorder.h"

namespace fs = std::filesystem;
using namespace kenning;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const json kModel = {
    {"model_wrapper", {{"type", "PyTorchFashionMNISTCNN"}, {"parameters", {{"model_path", "models/fashion-mnist-cnn.onnx"}}}}},
    {"runtime", {{"type", "OpenCVRuntime"}, {"parameters", {{"num_threads", 1}}}}}};

json flow_json(const fs::path& video, const fs::path& out) {
  return json::array(
      {{{"type", "CameraDataProvider"}, {"parameters", {{"video_source", video.string()}}}, {"outputs", {{"frame", "f"}}}},
       {{"type", "ModelRuntimeRunner"}, {"parameters", kModel}, {"inputs", {{"input", "f"}}}, {"outputs", {{"output", "s"}}}},
       {{"type", "VideoRecorder"},
        {"parameters", {{"output_path", out.string()}, {"min_width", 224}}},
        {"inputs", {{"frame", "f"}, {"predictions", "s"}}}}});
}

}  // namespace

int main(int argc, char** argv) {
  if (::chdir(KENNING_SOURCE_ROOT) != 0) return 1;
  const std::size_t frames = argc > 1 ? std::stoul(argv[1]) : 2000;
  const fs::path video = argc > 2 ? fs::path(argv[2]) : fs::path("build/fashion-mnist-test.avi");
  const fs::path out = fs::temp_directory_path() / ("bench-flow-" + std::to_string(::getpid()) + ".avi");
  write_video(load_fashion_samples(frames), video);
  std::printf("video: %s, %zu frames of 112x112 (Fashion-MNIST test set), annotated output 224x224 MJPEG\n",
              video.string().c_str(), frames);

  // Stage by stage: all frames decoded, then all classified, then all drawn.
  CameraDataProvider decoder({video.string(), 0, 0, 0});
  decoder.prepare();
  std::vector<Tensor> decoded;
  auto t = Clock::now();
  while (auto f = decoder.fetch_input()) decoded.push_back(std::move(f->at(0)));
  const double decode_s = seconds_since(t);
  decoder.close();

  ModelRuntimeRunner model(kModel, "bench");
  model.prepare({});
  std::vector<Tensor> scores;
  t = Clock::now();
  for (const Tensor& frame : decoded) {
    const TensorView in[] = {frame.view()};
    scores.push_back(std::move(model.step(in)->at(0)));
  }
  const double inference_s = seconds_since(t);

  VideoRecorder recorder({out, "MJPG", 25, 224});
  recorder.prepare({frame_spec(), model.output_spec()[0], TensorSpec{}});
  t = Clock::now();
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    const TensorView in[] = {decoded[i].view(), scores[i].view(), TensorView()};
    recorder.process_output(in);
  }
  recorder.close(true);
  const double drawing_s = seconds_since(t);
  const double sum = decode_s + inference_s + drawing_s;
  std::printf("stages alone: decode %.3f s, inference %.3f s, drawing+encoding %.3f s, sum %.3f s (%.3f ms/frame)\n",
              decode_s, inference_s, drawing_s, sum, 1e3 * sum / decoded.size());

  for (const bool pipeline : {false, true}) {
    double best = 1e9;
    FlowStats best_stats;
    for (int run = 0; run < 3; ++run) {
      std::atomic<bool> stop{false};
      KenningFlow flow(parse_flow(flow_json(video, out), "bench"), {pipeline, 0}, stop);
      t = Clock::now();
      FlowStats stats = flow.run();  // includes preparing (model load) and closing
      const double wall = seconds_since(t);
      if (wall < best) {
        best = wall;
        best_stats = std::move(stats);
      }
    }
    std::printf("flow %-10s: wall %.3f s (%zu steps, %.1f frames/s), wall / stage sum = %.3f (%+.1f %%); "
                "inside the flow: work sum %.3f s, step loop %.3f s\n",
                pipeline ? "pipelined" : "sequential", best, best_stats.steps, best_stats.steps / best, best / sum,
                100 * (best / sum - 1), best_stats.work_sum(), best_stats.wall_seconds);
  }
  fs::remove(out);
  return 0;
}
