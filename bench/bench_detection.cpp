// Cost of detection post-processing next to the model itself (BlazeFace
// front: median 1.4 ms per image on one core with ONNXExecRuntime): decoding
// BlazeFace's 896 anchors plus NMS, and the AP/mAP computation over many
// predictions.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kenning/core/box_ops.h"
#include "kenning/measurement/detection_metrics.h"
#include "modelwrappers/ssd_anchors.h"

namespace {

using namespace kenning;

// BlazeFace-shaped outputs; `hot` anchors score above the threshold, so NMS
// has that many candidates.
void BM_DecodeBlazeFaceAndNMS(benchmark::State& state) {
  const std::vector<std::int64_t> strides{8, 16}, per_cell{2, 6};
  const auto anchors = generate_ssd_anchors(128, 128, strides, per_cell);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> offset(-10, 10), size(10, 40);
  std::vector<float> scores(anchors.size(), -5.0f), boxes(anchors.size() * 16);
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    boxes[i * 16] = offset(rng), boxes[i * 16 + 1] = offset(rng);
    boxes[i * 16 + 2] = size(rng), boxes[i * 16 + 3] = size(rng);
  }
  const auto hot = static_cast<std::size_t>(state.range(0));
  for (std::size_t i = 0; i < hot; ++i) scores[(i * 7919) % anchors.size()] = 3.0f;
  SSDDecodeOptions o;
  o.box_values = 16;
  o.x_scale = o.y_scale = 128;
  o.score_threshold = 0.75f;
  for (auto _ : state) {
    auto found = non_max_suppression(decode_ssd(scores, boxes, anchors, o), 0.75f, 0.3f, 100);
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_DecodeBlazeFaceAndNMS)->Arg(0)->Arg(16)->Arg(128)->Unit(benchmark::kMicrosecond);

// compute_detection_metrics over n predictions of one class (10 IoU
// thresholds), entries with a tp_mask as DetectionDataset writes them.
void BM_DetectionMetrics(benchmark::State& state) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(0, 1);
  nlohmann::json det = nlohmann::json::array();
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    const float iou = u(rng);
    int mask = 0;
    for (int k = 0; k < kIoUThresholdCount; ++k) mask |= iou >= iou_threshold_at(k) ? 1 << k : 0;
    det.push_back({u(rng), iou >= 0.5f ? 1 : 0, iou, mask});
  }
  for (auto _ : state) {
    nlohmann::json data = {{"eval_det/face", det}, {"eval_gtcount/face", state.range(0) / 2}};
    compute_detection_metrics(data);
    benchmark::DoNotOptimize(data);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DetectionMetrics)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
