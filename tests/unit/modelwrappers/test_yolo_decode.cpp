// YOLO grid decoding on a hand-built 2x2 grid with two anchors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kenning/core/box_ops.h"
#include "kenning/core/error.h"
#include "test_support.h"
#include "modelwrappers/yolo_decode.h"

namespace kenning {
namespace {

// 2 anchors x (5 + 2 classes) channels x 2x2 cells, everything "off"
// (objectness logit -10) except anchor 1 at row 1, col 0.
std::vector<float> one_object_map() {
  const std::size_t cells = 4, fields = 7;
  std::vector<float> m(2 * fields * cells, 0.0f);
  for (std::size_t a = 0; a < 2; ++a) {
    for (std::size_t c = 0; c < cells; ++c) m[(a * fields + 4) * cells + c] = -10;
  }
  const std::size_t a = 1, c = 2;  // row 1, col 0
  auto set = [&](std::size_t k, float v) { m[(a * fields + k) * cells + c] = v; };
  set(0, 0.0f);  // sigmoid 0.5: centre of the cell
  set(1, 0.0f);
  set(2, std::log(2.0f));  // twice the anchor width
  set(3, 0.0f);
  set(4, 10.0f);  // objectness ~1
  set(5, -2.0f);  // class 0
  set(6, 3.0f);   // class 1 wins
  return m;
}

YoloGridOptions options() {
  YoloGridOptions o;
  o.grid_w = o.grid_h = 2;
  o.anchors = {10, 10, 20, 40};  // pixels of a 100x100 input
  o.num_classes = 2;
  o.input_w = o.input_h = 100;
  o.score_threshold = 0.5f;
  return o;
}

TEST(YoloDecode, CellOffsetsAndAnchorSizes) {
  const auto d = decode_yolo_grid(one_object_map(), options());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].class_id, 1);
  const float expected_score = 1.0f / (1.0f + std::exp(-10.0f)) / (1.0f + std::exp(-3.0f));
  EXPECT_NEAR(d[0].score, expected_score, 1e-6);
  // Centre (0.25, 0.75); width 2 * 20 / 100 = 0.4, height 40 / 100 = 0.4.
  EXPECT_NEAR(d[0].x1, 0.05f, 1e-6);
  EXPECT_NEAR(d[0].x2, 0.45f, 1e-6);
  EXPECT_NEAR(d[0].y1, 0.55f, 1e-6);
  EXPECT_NEAR(d[0].y2, 0.95f, 1e-6);
}

TEST(YoloDecode, ThresholdAndNMSTogether) {
  auto m = one_object_map();
  // Anchor 0 of the same cell: a slightly shifted copy with a lower score.
  const std::size_t cells = 4, fields = 7, c = 2;
  m[(0 * fields + 2) * cells + c] = std::log(4.0f);  // 4 * 10 px = 0.4 wide
  m[(0 * fields + 3) * cells + c] = std::log(4.0f);  // 0.4 high
  m[(0 * fields + 4) * cells + c] = 2.0f;
  m[(0 * fields + 6) * cells + c] = 3.0f;
  auto o = options();
  const auto all = decode_yolo_grid(m, o);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_NEAR(box_iou(box_of(all[0]), box_of(all[1])), 1.0f, 1e-5);
  const auto kept = non_max_suppression(all, o.score_threshold, 0.5f);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_GT(kept[0].score, 0.9f);
  o.score_threshold = 0.99f;
  EXPECT_TRUE(decode_yolo_grid(m, o).empty());
}

TEST(YoloDecode, OutputNotMatchingTheGridIsAClearError) {
  auto o = options();
  o.grid_w = 3;
  try {
    decode_yolo_grid(one_object_map(), o);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "does not match the grid");
    EXPECT_HAS(e.what(), "need 84 values, got 56");
  }
  o = options();
  o.anchors = {10, 10, 20};
  EXPECT_THROW(decode_yolo_grid(one_object_map(), o), ConfigError);
}

}  // namespace
}  // namespace kenning
