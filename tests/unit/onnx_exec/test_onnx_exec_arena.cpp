// The executor's buffer arena (src/onnx_exec/arena.h): after a warm-up and a
// recording run, runs on the same input shapes take their intermediates from
// the planned arena, give the same answers as heap runs, and never hand out
// bytes that a tensor still alive is using.
#include <filesystem>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "onnx_exec/executor.h"

namespace fs = std::filesystem;
using namespace kenning::onnx_exec;

namespace {

const fs::path kModel = fs::path(KENNING_TEST_SOURCE_DIR) / "models" / "fashion-mnist-cnn.onnx";

at::Tensor image_batch(std::int64_t n, std::uint64_t seed) {
  at::manual_seed(seed);
  return at::rand({n, 1, 28, 28});
}

}  // namespace

TEST(OnnxExecArena, SteadyStateRunsReplayThePlanAndMatchHeapRuns) {
  Executor planned = Executor::load(kModel);
  Executor heap = Executor::load(kModel);
  heap.set_arena_enabled(false);
  const at::Tensor a = image_batch(1, 1);
  const at::Tensor b = image_batch(1, 2);
  const at::Tensor expected_a = heap.run({a})[0];
  const at::Tensor expected_b = heap.run({b})[0];
  for (int i = 0; i < 6; ++i) {
    const at::Tensor& x = i % 2 ? b : a;
    const at::Tensor& expected = i % 2 ? expected_b : expected_a;
    EXPECT_TRUE(at::equal(planned.run({x})[0], expected)) << "run " << i;
  }
  const ArenaStats stats = planned.arena_stats();
  EXPECT_EQ(stats.runs, 6u);
  EXPECT_EQ(stats.recordings, 1u);      // run 0 warms up, run 1 records
  EXPECT_EQ(stats.replayed_runs, 4u);   // runs 2..5 replay
  EXPECT_GT(stats.planned_blocks, 4u);  // at least the conv/pool/gemm outputs
  EXPECT_GT(stats.arena_bytes, 0u);
  // Blocks alive at once share nothing, the others share bytes: the plan is
  // smaller than all blocks laid end to end.
  EXPECT_LT(stats.arena_bytes, stats.recorded_bytes);
  EXPECT_FALSE(stats.disabled);
}

TEST(OnnxExecArena, OutputsHeldAcrossRunsAreNeverOverwritten) {
  Executor e = Executor::load(kModel);
  std::vector<at::Tensor> kept;
  std::vector<at::Tensor> copies;
  for (int i = 0; i < 6; ++i) {
    kept.push_back(e.run({image_batch(1, 10 + i)})[0]);
    copies.push_back(kept.back().clone());
  }
  for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_TRUE(at::equal(kept[i], copies[i])) << i;
  EXPECT_GE(e.arena_stats().replayed_runs, 3u);
}

TEST(OnnxExecArena, NewInputShapesRecordANewPlan) {
  Executor e = Executor::load(kModel);
  Executor heap = Executor::load(kModel);
  heap.set_arena_enabled(false);
  for (std::int64_t batch : {1, 4, 1}) {
    const at::Tensor x = image_batch(batch, batch);
    const at::Tensor expected = heap.run({x})[0];
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(at::equal(e.run({x})[0], expected)) << "batch " << batch;
  }
  const ArenaStats stats = e.arena_stats();
  EXPECT_EQ(stats.recordings, 3u);
  EXPECT_EQ(stats.replayed_runs, 3u);
}
