// How much `kenning flow` adds over its stages: a video made from the
// Fashion-MNIST test set is decoded, classified by the project's CNN and
// drawn into an annotated video, first stage by stage (each alone, timed),
// then as one flow, sequential and pipelined. Prints the stage times, the
// flow's wall time and wall / (decode + inference + drawing).
//
//   bench_flow [frames=2000] [video=build/fashion-mnist-test.avi] [scale=4]
// scale enlarges the 28x28 images (112x112 by default); larger frames make
// decoding heavier, which is where decoding on its own thread pays.
// The video is written first (and left there for scenarios/flow-fashion-mnist.json).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "dataproviders/camera_data_provider.h"
#include "fashion_mnist_frames.h"
#include "kenning/core/frame.h"
#include "flow/kenning_flow.h"
#include "flow/model_runtime_runner.h"
#include "outputcollectors/video_recorder.h"

namespace fs = std::filesystem;
using namespace kenning;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const json kModel = {
    {"model_wrapper",
     {{"type", "PyTorchFashionMNISTCNN"}, {"parameters", {{"model_path", "models/fashion-mnist-cnn.onnx"}}}}},
    {"runtime", {{"type", "OpenCVRuntime"}, {"parameters", {{"num_threads", 1}}}}}};

json flow_json(const fs::path& video, const fs::path& out) {
  return json::array({{{"type", "CameraDataProvider"},
                       {"parameters", {{"video_source", video.string()}}},
                       {"outputs", {{"frame", "f"}}}},
                      {{"type", "ModelRuntimeRunner"},
                       {"parameters", kModel},
                       {"inputs", {{"input", "f"}}},
                       {"outputs", {{"output", "s"}}}},
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
  const int scale = argc > 3 ? std::stoi(argv[3]) : 4;
  write_video(load_fashion_samples(frames), video, scale);
  std::printf("video: %s, %zu frames of %dx%d (Fashion-MNIST test set), annotated output MJPEG\n",
              video.string().c_str(), frames, 28 * scale, 28 * scale);

  // Stage by stage, each alone over all frames. Decoding streams through the
  // file; inference and drawing cycle over the first kCached decoded frames,
  // so no stage pays for holding the whole video in memory. The machine is
  // shared, so every measurement is repeated kRounds times, interleaved with
  // the flows, and the best of each is kept.
  constexpr std::size_t kCached = 100;
  constexpr int kRounds = 5;
  ModelRuntimeRunner model(kModel, "bench");
  model.prepare({});
  double decode_s = 1e9, inference_s = 1e9, drawing_s = 1e9;
  double flow_wall[2] = {1e9, 1e9}, flow_loop[2] = {1e9, 1e9}, flow_inner_ratio[2] = {1e9, 1e9};
  std::size_t decoded = 0;
  for (int round = 0; round < kRounds; ++round) {
    CameraDataProvider decoder({video.string(), 0, 0, 0});
    decoder.prepare();
    std::vector<Tensor> cached;
    decoded = 0;
    auto t = Clock::now();
    while (auto f = decoder.fetch_input()) {
      if (cached.size() < kCached) cached.push_back(std::move(f->at(0)));
      ++decoded;
    }
    decode_s = std::min(decode_s, seconds_since(t));
    decoder.close();

    std::vector<Tensor> scores;
    t = Clock::now();
    for (std::size_t i = 0; i < decoded; ++i) {
      const TensorView in[] = {cached[i % cached.size()].view()};
      Tensor s = std::move(model.step(in)->at(0));
      if (scores.size() < cached.size()) scores.push_back(std::move(s));
    }
    inference_s = std::min(inference_s, seconds_since(t));

    VideoRecorder recorder({out, "MJPG", 25, 224});
    recorder.prepare({frame_spec(), model.output_spec()[0], TensorSpec{}});
    t = Clock::now();
    for (std::size_t i = 0; i < decoded; ++i) {
      const TensorView in[] = {cached[i % cached.size()].view(), scores[i % scores.size()].view(), TensorView()};
      recorder.process_output(in);
    }
    recorder.close(true);
    drawing_s = std::min(drawing_s, seconds_since(t));

    for (const bool pipeline : {false, true}) {
      std::atomic<bool> stop{false};
      KenningFlow flow(parse_flow(flow_json(video, out), "bench"), {pipeline, 0}, stop);
      t = Clock::now();
      const FlowStats stats = flow.run();  // with preparing (model load) and closing
      flow_wall[pipeline] = std::min(flow_wall[pipeline], seconds_since(t));
      flow_loop[pipeline] = std::min(flow_loop[pipeline], stats.wall_seconds);
      flow_inner_ratio[pipeline] = std::min(flow_inner_ratio[pipeline], stats.wall_seconds / stats.work_sum());
    }
  }
  const double sum = decode_s + inference_s + drawing_s;
  std::printf(
      "stages alone (best of %d): decode %.3f s, inference %.3f s, drawing+encoding %.3f s, "
      "sum %.3f s (%.3f ms/frame)\n",
      kRounds, decode_s, inference_s, drawing_s, sum, 1e3 * sum / decoded);
  for (const bool pipeline : {false, true}) {
    std::printf(
        "flow %-10s (best of %d): run %.3f s, step loop %.3f s (%.1f frames/s); step loop / stage sum = "
        "%.3f (%+.1f %%); in one run, step loop / runners' work = %.3f\n",
        pipeline ? "pipelined" : "sequential", kRounds, flow_wall[pipeline], flow_loop[pipeline],
        decoded / flow_loop[pipeline], flow_loop[pipeline] / sum, 100 * (flow_loop[pipeline] / sum - 1),
        flow_inner_ratio[pipeline]);
  }
  fs::remove(out);
  return 0;
}
