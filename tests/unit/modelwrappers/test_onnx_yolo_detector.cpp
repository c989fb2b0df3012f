// ONNXYOLODetector on a tiny ONNX "YOLO head" built here: a 32x32-stride
// Conv with zero weights, so its bias alone sets every cell of the 2x2 map,
// run through ONNXExecRuntime; and shape/anchor errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "kenning/core/detection.h"
#include "kenning/core/error.h"
#include "runtimes/onnx_exec_runtime.h"
#include "onnx/onnx_graph_builder.h"
#include "modelwrappers/onnx_yolo_detector.h"
#include "test_support.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;

// x [1, 3, 64, 64] -> Conv 32x32 stride 32 -> map [1, 2 * (5 + 2), 2, 2].
// Bias: anchor 0 has objectness logit 10 and class 1 logit 4 everywhere; its
// tx, ty, tw, th are 0. Anchor 1 is off (objectness -10).
fs::path write_head(const fs::path& dir) {
  OnnxGraphBuilder b("yolo_head");
  b.add_input("x", DType::Float32, {1, 3, 64, 64});
  const std::vector<float> w(14 * 3 * 32 * 32, 0.0f);
  std::vector<float> bias(14, 0.0f);
  bias[4] = 10, bias[5] = -4, bias[6] = 4;
  bias[7 + 4] = -10;
  b.add_initializer("w", w, {14, 3, 32, 32});
  b.add_initializer("b", bias, {14});
  b.add_node("Conv", {"x", "w", "b"}, {"map"}, {{"strides", std::vector<std::int64_t>{32, 32}}});
  b.add_output("map", DType::Float32, {1, 14, 2, 2});
  const fs::path path = dir / "yolo_head.onnx";
  b.save(path);
  return path;
}

class YOLODetector : public ::testing::Test {
 protected:
  void SetUp() override {
    // One folder per test: CTest runs them in parallel.
    dir_ = fs::path(KENNING_TEST_BINARY_DIR) / "test_onnx_yolo_detector" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(dir_);
    params_.model_path = write_head(dir_);
    params_.anchors = {16, 16, 32, 8};  // pixels of the 64x64 input
    params_.anchors_per_output = 2;
    params_.class_names = {"cat", "dog"};
  }
  fs::path dir_;
  ONNXYOLODetector::Params params_;
};

TEST_F(YOLODetector, DecodesEveryCellOfTheMapThroughTheRuntime) {
  ONNXYOLODetector model(params_);
  Batch batch;
  batch.size = 1;
  batch.inputs.emplace_back(DType::Float32, Shape{1, 3, 64, 64});
  const auto inputs = model.preprocess(batch);
  ONNXExecRuntime runtime(ONNXExecRuntime::Params{params_.model_path, 1});
  runtime.prepare_model({}, model.io_spec());
  const TensorView view = inputs[0].view();
  runtime.load_input(std::span<const TensorView>(&view, 1));
  runtime.run();
  const auto out = model.postprocess(runtime.extract_output());
  ASSERT_EQ(out.size(), 1u);
  const auto found = detections_from_tensor(out[0].view(), params_.class_names);
  // Four cells, boxes 16/64 = 0.25 wide centred at (col + 0.5) / 2: no
  // overlap, so NMS keeps all four.
  ASSERT_EQ(found.size(), 4u);
  const float score = 1.0f / (1.0f + std::exp(-10.0f)) / (1.0f + std::exp(-4.0f));
  std::vector<std::pair<float, float>> centres;
  for (const auto& d : found) {
    EXPECT_EQ(d.label, "dog");
    EXPECT_NEAR(d.score, score, 1e-5);
    EXPECT_NEAR(d.x2 - d.x1, 0.25f, 1e-5);
    EXPECT_NEAR(d.y2 - d.y1, 0.25f, 1e-5);
    centres.emplace_back((d.x1 + d.x2) / 2, (d.y1 + d.y2) / 2);
  }
  std::sort(centres.begin(), centres.end());
  const std::vector<std::pair<float, float>> expected{{0.25f, 0.25f}, {0.25f, 0.75f}, {0.75f, 0.25f}, {0.75f, 0.75f}};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(centres[i].first, expected[i].first, 1e-5);
    EXPECT_NEAR(centres[i].second, expected[i].second, 1e-5);
  }
}

TEST_F(YOLODetector, MapsNotMatchingAnchorsAndClassesAreClearErrors) {
  params_.class_names = {"cat", "dog", "bird"};
  try {
    ONNXYOLODetector model(params_);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "output 'map' [1, 14, 2, 2]: expected [n, 16, grid_h, grid_w]");
  }
  params_.class_names = {"cat", "dog"};
  params_.anchors = {16, 16};
  try {
    ONNXYOLODetector model(params_);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "anchors: expected 4 values");
  }
}

}  // namespace
}  // namespace kenning
