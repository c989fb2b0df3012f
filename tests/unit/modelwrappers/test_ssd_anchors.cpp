// Anchor generation and SSD box decoding on hand-built outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kenning/core/error.h"
#include "modelwrappers/ssd_anchors.h"
#include "test_support.h"

namespace kenning {
namespace {

TEST(SSDAnchors, BlazeFaceLayout) {
  const std::vector<std::int64_t> strides{8, 16}, per_cell{2, 6};
  const auto a = generate_ssd_anchors(128, 128, strides, per_cell);
  // 16x16 cells x 2 + 8x8 cells x 6.
  ASSERT_EQ(a.size(), 512u + 384u);
  EXPECT_FLOAT_EQ(a[0].cx, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[0].cy, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[1].cx, a[0].cx);     // two anchors per cell
  EXPECT_FLOAT_EQ(a[2].cx, 1.5f / 16);   // next cell in the row
  EXPECT_FLOAT_EQ(a[32].cy, 1.5f / 16);  // second row: 16 cells x 2 anchors later
  EXPECT_FLOAT_EQ(a[512].cx, 0.5f / 8);  // second layer
  EXPECT_FLOAT_EQ(a[895].cx, 7.5f / 8);
  EXPECT_FLOAT_EQ(a[895].cy, 7.5f / 8);
}

TEST(SSDAnchors, RejectsMismatchedLayers) {
  const std::vector<std::int64_t> strides{8, 16}, per_cell{2};
  try {
    generate_ssd_anchors(128, 128, strides, per_cell);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "strides and anchors_per_cell");
  }
}

TEST(SSDDecode, OffsetsAreInputPixelsRelativeToTheAnchor) {
  // Two anchors at (0.25, 0.25) and (0.75, 0.75) of a 100x100 input.
  const std::vector<Anchor> anchors{{0.25f, 0.25f, 1, 1}, {0.75f, 0.75f, 1, 1}};
  // Logit 2 -> sigmoid 0.8808; logit -3 -> 0.047 (dropped at 0.5).
  const std::vector<float> scores{2.0f, -3.0f};
  // Box 0: centre moved by (+10, -5) px, 20x40 px, 2 key point values ignored.
  const std::vector<float> boxes{10, -5, 20, 40, 99, 99, 0, 0, 10, 10, 0, 0};
  SSDDecodeOptions o;
  o.box_values = 6;
  o.x_scale = o.y_scale = 100;
  o.score_threshold = 0.5f;
  const auto d = decode_ssd(scores, boxes, anchors, o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NEAR(d[0].score, 1.0f / (1.0f + std::exp(-2.0f)), 1e-6);
  // centre (0.35, 0.20), size (0.2, 0.4).
  EXPECT_NEAR(d[0].x1, 0.25f, 1e-6);
  EXPECT_NEAR(d[0].x2, 0.45f, 1e-6);
  EXPECT_NEAR(d[0].y1, 0.0f, 1e-6);  // 0.0 exactly: 0.2 - 0.2
  EXPECT_NEAR(d[0].y2, 0.40f, 1e-6);
  EXPECT_EQ(d[0].class_id, 0);
}

TEST(SSDDecode, ClipsToTheImageAndPicksTheBestClass) {
  const std::vector<Anchor> anchors{{0.1f, 0.9f, 1, 1}};
  const std::vector<float> scores{0.2f, 0.7f, 0.1f};  // probabilities already
  const std::vector<float> boxes{0, 0, 50, 50};
  SSDDecodeOptions o;
  o.num_classes = 3;
  o.x_scale = o.y_scale = 100;
  o.sigmoid_scores = false;
  const auto d = decode_ssd(scores, boxes, anchors, o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].class_id, 1);
  EXPECT_FLOAT_EQ(d[0].score, 0.7f);
  EXPECT_FLOAT_EQ(d[0].x1, 0.0f);
  EXPECT_FLOAT_EQ(d[0].y2, 1.0f);
}

TEST(SSDDecode, OutputsNotMatchingTheAnchorsAreAClearError) {
  const std::vector<Anchor> anchors(3);
  const std::vector<float> scores(2), boxes(12);
  try {
    decode_ssd(scores, boxes, anchors, SSDDecodeOptions{});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "do not match its anchors");
    EXPECT_HAS(e.what(), "3 anchors need 3 scores");
    EXPECT_HAS(e.what(), "got 2 scores");
  }
}

}  // namespace
}  // namespace kenning
