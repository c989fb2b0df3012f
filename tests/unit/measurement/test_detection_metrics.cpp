// IoU, NMS, matching and COCO-style AP against values worked out by hand.
#include <gtest/gtest.h>

#include <vector>

#include "kenning/core/box_ops.h"
#include "kenning/measurement/detection_metrics.h"
#include "kenning/core/error.h"
#include "kenning/measurement/measurements.h"
#include "test_support.h"

namespace kenning {
namespace {

Detection det(float x1, float y1, float x2, float y2, float score, int cls = 0) {
  Detection d;
  d.x1 = x1, d.y1 = y1, d.x2 = x2, d.y2 = y2, d.score = score, d.class_id = cls;
  return d;
}

TEST(BoxIoU, OverlapDisjointAndIdentical) {
  // [0,0,2,2] vs [1,1,3,3]: intersection 1, union 4 + 4 - 1 = 7.
  EXPECT_FLOAT_EQ(box_iou({0, 0, 2, 2}, {1, 1, 3, 3}), 1.0f / 7.0f);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 1, 1}, {0, 0, 1, 1}), 1.0f);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 1, 1}, {1, 0, 2, 1}), 0.0f);  // touching edges
  EXPECT_FLOAT_EQ(box_iou({0, 0, 0, 0}, {0, 0, 1, 1}), 0.0f);  // empty box
  // Containment: [0,0,1,1] inside [0,0,2,1]: 1 / 2.
  EXPECT_FLOAT_EQ(box_iou({0, 0, 1, 1}, {0, 0, 2, 1}), 0.5f);
}

TEST(BoxFromCenter, CornersClippedToTheFrame) {
  const Box b = box_from_center(0.5f, 0.5f, 0.2f, 0.4f);
  EXPECT_FLOAT_EQ(b.x1, 0.4f);
  EXPECT_FLOAT_EQ(b.y1, 0.3f);
  EXPECT_FLOAT_EQ(b.x2, 0.6f);
  EXPECT_FLOAT_EQ(b.y2, 0.7f);
  const Box edge = box_from_center(0.05f, 0.95f, 0.2f, 0.2f);
  EXPECT_FLOAT_EQ(edge.x1, 0.0f);
  EXPECT_FLOAT_EQ(edge.y2, 1.0f);
  const Detection d = detection_of(edge);
  EXPECT_FLOAT_EQ(d.x2, edge.x2);
  EXPECT_FLOAT_EQ(d.y1, edge.y1);
}

TEST(NMS, KeepsBestOfOverlappingSameClassOnly) {
  std::vector<Detection> in{
      det(0, 0, 2, 2, 0.6f),     // IoU 4 / 4.4 with the best: suppressed
      det(0, 0, 2, 2.2f, 0.9f),  // best
      det(1, 1, 3, 3, 0.8f),     // IoU 1 / 7.4 with the best: kept
      det(0, 0, 2, 2, 0.7f, 1),  // other class: kept
      det(5, 5, 6, 6, 0.2f),     // below the score threshold
  };
  const auto out = non_max_suppression(in, 0.3f, 0.5f);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_FLOAT_EQ(out[1].score, 0.8f);
  EXPECT_FLOAT_EQ(out[2].score, 0.7f);
  EXPECT_EQ(out[2].class_id, 1);
  EXPECT_EQ(non_max_suppression(in, 0.3f, 0.5f, 2).size(), 2u);
  // With a threshold above their IoU (2*2 / 2*2.2 = 0.909), both stay.
  EXPECT_EQ(non_max_suppression(in, 0.3f, 0.95f).size(), 4u);
}

TEST(Matching, GreedyByScoreOneClaimPerGroundTruth) {
  const std::vector<Detection> gt{det(0, 0, 1, 1, 1), det(2, 0, 3, 1, 1), det(0, 0, 1, 1, 1, 1)};
  const std::vector<Detection> pred{
      det(0, 0, 1, 1, 0.5f),     // IoU 1 with gt 0, but the 0.9 one claims it first
      det(0, 0, 1, 0.8f, 0.9f),  // IoU 0.8 with gt 0: tp
      det(2, 0, 3, 0.4f, 0.7f),  // IoU 0.4 with gt 1: fp, best IoU 0.4 recorded
      det(0, 0, 1, 1, 0.8f, 1),  // other class: ignored for class 0
  };
  const auto m = match_detections(pred, gt, 0);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_FLOAT_EQ(m[0].score, 0.9f);
  EXPECT_TRUE(m[0].tp);
  EXPECT_NEAR(m[0].iou, 0.8f, 1e-6);
  EXPECT_FLOAT_EQ(m[1].score, 0.7f);
  EXPECT_FALSE(m[1].tp);
  EXPECT_NEAR(m[1].iou, 0.4f, 1e-6);
  EXPECT_FLOAT_EQ(m[2].score, 0.5f);
  EXPECT_FALSE(m[2].tp);  // gt 0 already claimed
  EXPECT_NEAR(m[2].iou, 1.0f, 1e-6);
  // Per threshold: the 0.9 one (IoU 0.8) hits at 0.50..0.80; above that it
  // leaves gt 0 to the 0.5 one (IoU 1), a hit at 0.85..0.95.
  EXPECT_EQ(m[0].tp_mask, 0b0001111111);
  EXPECT_EQ(m[1].tp_mask, 0);
  EXPECT_EQ(m[2].tp_mask, 0b1110000000);
}

// A crowded image where matching once at 0.5 and matching per threshold
// (COCO) disagree. Ground truth A [0,0,20,10], B [40,0,60,10]; predictions
// by descending score:
//   P1 0.9 [0,0,12.5,10]   IoU 125/200 = 0.625 with A
//   P2 0.8 [0,0,17.5,10]   IoU 175/200 = 0.875 with A
//   P3 0.7 [40,0,58.5,10]  IoU 185/200 = 0.925 with B
// At 0.50..0.60 P1 takes A first and P2 is a FP. From 0.65 P1 no longer
// reaches A, so COCO lets P2 take it (0.65..0.85); matching once at 0.5
// leaves A with P1, and P2 a FP at every threshold.
std::vector<ScoredMatch> crowded_matches() {
  const std::vector<Detection> gt{det(0, 0, 20, 10, 1), det(40, 0, 60, 10, 1)};
  const std::vector<Detection> pred{det(0, 0, 17.5f, 10, 0.8f), det(40, 0, 58.5f, 10, 0.7f),
                                    det(0, 0, 12.5f, 10, 0.9f)};
  return match_detections(pred, gt, 0);
}

// Expected APs with 2 ground-truth boxes (101 recall points):
//   TP FP TP (0.50..0.60): precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1;
//     envelope 1 for recall 0..0.50 (51 points), 2/3 for 0.51..1 (50):
//     (51 + 50 * 2/3) / 101 = 253 / 303.
//   FP TP TP (per threshold, 0.65..0.85): envelope 2/3 everywhere: 2/3.
//   FP FP TP (matched once, 0.65..0.90; both at 0.90): precision 1/3 up to
//     recall 1/2 (51 points): 17 / 101.
//   0.95: nothing: 0.
constexpr double kCrowdedAp50 = 253.0 / 303.0;
constexpr double kCrowdedAp75PerThreshold = 2.0 / 3.0;
constexpr double kCrowdedAp75MatchedOnce = 17.0 / 101.0;

TEST(DetectionMetrics, MatchingRerunsPerThreshold) {
  const auto m = crowded_matches();
  ASSERT_EQ(m.size(), 3u);
  // tp and iou keep their meaning: the match at 0.5.
  EXPECT_FLOAT_EQ(m[0].score, 0.9f);
  EXPECT_TRUE(m[0].tp);
  EXPECT_FLOAT_EQ(m[0].iou, 0.625f);
  EXPECT_FALSE(m[1].tp);
  EXPECT_FLOAT_EQ(m[1].iou, 0.875f);  // its best IoU
  EXPECT_TRUE(m[2].tp);
  EXPECT_FLOAT_EQ(m[2].iou, 0.925f);
  EXPECT_EQ(m[0].tp_mask, 0b0000000111);  // 0.50..0.60
  EXPECT_EQ(m[1].tp_mask, 0b0011111000);  // 0.65..0.85
  EXPECT_EQ(m[2].tp_mask, 0b0111111111);  // 0.50..0.90
  EXPECT_NEAR(average_precision_101(m, 2, 0.75f), kCrowdedAp75PerThreshold, 1e-9);
  // No ground truth of the class: every prediction a miss, best IoU 0.
  const auto none = match_detections({det(0, 0, 1, 1, 0.9f)}, {}, 0);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].tp_mask, 0);
  EXPECT_FLOAT_EQ(none[0].iou, 0.0f);
}

TEST(DetectionMetrics, TpMaskWhenPresentIoURuleForTriples) {
  Measurements with_mask, triples;
  for (const ScoredMatch& s : crowded_matches()) {
    with_mask.append(keys::eval_det, "face", {s.score, s.tp ? 1 : 0, s.iou, s.tp_mask});
    triples.append(keys::eval_det, "face", {s.score, s.tp ? 1 : 0, s.iou});
  }
  with_mask.set(keys::eval_gtcount, "face", 2);
  triples.set(keys::eval_gtcount, "face", 2);
  with_mask.compute_derived();
  triples.compute_derived();
  const auto& map_mask = with_mask.at("eval_map_per_iou")["map"];
  const auto& map_triples = triples.at("eval_map_per_iou")["map"];
  ASSERT_EQ(map_mask.size(), 10u);
  EXPECT_NEAR(map_mask[0].get<double>(), kCrowdedAp50, 1e-9);
  EXPECT_NEAR(map_triples[0].get<double>(), kCrowdedAp50, 1e-9);
  EXPECT_NEAR(map_mask[5].get<double>(), kCrowdedAp75PerThreshold, 1e-9);  // IoU 0.75
  EXPECT_NEAR(map_triples[5].get<double>(), kCrowdedAp75MatchedOnce, 1e-9);
  const double per_threshold = (3 * kCrowdedAp50 + 5 * kCrowdedAp75PerThreshold + kCrowdedAp75MatchedOnce) / 10;
  const double matched_once = (3 * kCrowdedAp50 + 6 * kCrowdedAp75MatchedOnce) / 10;
  EXPECT_NEAR(with_mask.at("eval_ap50_95/face").get<double>(), per_threshold, 1e-9);
  EXPECT_NEAR(with_mask.at("eval_map_50_95").get<double>(), per_threshold, 1e-9);
  EXPECT_NEAR(triples.at("eval_map_50_95").get<double>(), matched_once, 1e-9);
  // The PR curve and TP IoUs are about IoU 0.5 either way.
  EXPECT_EQ(with_mask.at("eval_pr_curve/face"), triples.at("eval_pr_curve/face"));
  EXPECT_EQ(with_mask.at("eval_tp_iou").size(), 2u);
}

// The ConfigError message compute_detection_metrics gives for `data`.
std::string metrics_error(nlohmann::json data) {
  return testing::error_of<ConfigError>([&] { compute_detection_metrics(data); });
}

nlohmann::json face_entries(nlohmann::json entries) {
  return {{"eval_det/face", std::move(entries)}, {"eval_gtcount/face", 1}};
}

TEST(DetectionMetrics, MalformedEntriesNameKeyAndIndex) {
  const nlohmann::json good = {0.9, 1, 0.8, 127};
  EXPECT_HAS(metrics_error(face_entries({good, {0.9, 1}})), "eval_det/face[1]: expected 3 or 4 numbers");
  EXPECT_HAS(metrics_error(face_entries({{0.9, 1, 0.8, 1, 5}})), "eval_det/face[0]: expected 3 or 4 numbers");
  EXPECT_HAS(metrics_error(face_entries({good, good, {0.9, "1", 0.8}})), "eval_det/face[2]");
  EXPECT_HAS(metrics_error(face_entries({"oops"})), "eval_det/face[0]");
  EXPECT_HAS(metrics_error(face_entries({{0.9, 1, nullptr}})), "eval_det/face[0]");
  for (const nlohmann::json mask : {nlohmann::json(1024), nlohmann::json(-1), nlohmann::json(2.5)}) {
    const std::string msg = metrics_error(face_entries({good, {0.9, 1, 0.8, mask}}));
    EXPECT_HAS(msg, "eval_det/face[1]: tp_mask must be an integer in 0..1023, got " + mask.dump());
  }
  EXPECT_HAS(metrics_error(face_entries({{"a", 1}})), "eval_det/face: expected a list");
  EXPECT_HAS(metrics_error({{"eval_gtcount/face", -1}}), "eval_gtcount/face: expected a count");
  EXPECT_HAS(metrics_error({{"eval_gtcount/face", "3"}}), "eval_gtcount/face: expected a count");
  EXPECT_HAS(metrics_error(face_entries({{0.9, true, 0.8}})), "eval_det/face[0]");
  // Accepted: the full mask, a whole number written as a float, a triple.
  nlohmann::json ok = face_entries({{0.9, 1, 0.8, 1023}, {0.8, 1.0, 0.7, 7.0}, {0.7, 0, 0.1}});
  compute_detection_metrics(ok);
  EXPECT_EQ(ok.at("eval_tp_iou").size(), 2u);
  // Through Measurements too, as `kenning test` reaches it.
  Measurements m;
  m.append(keys::eval_det, "face", {0.9, 1});
  m.set(keys::eval_gtcount, "face", 1);
  EXPECT_THROW(m.compute_derived(), ConfigError);
}

// Three ground-truth boxes; by descending score: TP FP TP FP TP.
// precision 1, 1/2, 2/3, 2/4, 3/5; recall 1/3, 1/3, 2/3, 2/3, 1.
// Envelope: 1, 2/3, 2/3, 3/5, 3/5. Recall points 0..0.33 (34) -> 1,
// 0.34..0.66 (33) -> 2/3, 0.67..1 (34) -> 3/5:
// AP = (34 + 33 * 2/3 + 34 * 0.6) / 101 = 76.4 / 101.
std::vector<ScoredMatch> tp_fp_sequence() {
  return {{0.5f, true, 0.9f}, {0.9f, true, 0.6f}, {0.8f, false, 0.1f}, {0.7f, true, 0.8f}, {0.6f, false, 0.0f}};
}

TEST(AveragePrecision, COCO101PointsOnAKnownSequence) {
  EXPECT_NEAR(average_precision_101(tp_fp_sequence(), 3, 0.5f), 76.4 / 101.0, 1e-9);
  // At IoU 0.75 the 0.6-IoU hit becomes a miss: FP FP TP FP TP.
  // precision 0, 0, 1/3, 1/4, 2/5; recall 0, 0, 1/3, 1/3, 2/3; envelope
  // 0.4 everywhere up to recall 2/3 (67 points), 0 above: 67 * 0.4 / 101.
  EXPECT_NEAR(average_precision_101(tp_fp_sequence(), 3, 0.75f), 67 * 0.4 / 101.0, 1e-9);
  EXPECT_DOUBLE_EQ(average_precision_101({{0.9f, true, 1.0f}}, 1, 0.5f), 1.0);
  EXPECT_DOUBLE_EQ(average_precision_101({}, 2, 0.5f), 0.0);
  EXPECT_DOUBLE_EQ(average_precision_101({{0.9f, true, 1.0f}}, 0, 0.5f), 0.0);
}

TEST(PrecisionRecall, CurveFollowsScoreOrder) {
  const PRCurve c = precision_recall_curve(tp_fp_sequence(), 3, 0.5f);
  const std::vector<double> p{1, 0.5, 2.0 / 3, 0.5, 0.6}, r{1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1};
  ASSERT_EQ(c.precision.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(c.precision[i], p[i], 1e-12) << i;
    EXPECT_NEAR(c.recall[i], r[i], 1e-12) << i;
  }
}

TEST(DetectionMetrics, DerivedFromRawMeasurements) {
  Measurements m;
  for (const auto& s : tp_fp_sequence()) m.append(keys::eval_det, "face", {s.score, s.tp ? 1 : 0, s.iou});
  m.set(keys::eval_gtcount, "face", 3);
  // A class with ground truth and no predictions: AP 0, counted in the mean.
  m.set(keys::eval_gtcount, "cat", 1);
  m.compute_derived();
  const double ap50 = 76.4 / 101.0;
  EXPECT_NEAR(m.at("eval_ap50/face").get<double>(), ap50, 1e-9);
  EXPECT_DOUBLE_EQ(m.at("eval_ap50/cat").get<double>(), 0.0);
  EXPECT_NEAR(m.at("eval_map_50").get<double>(), ap50 / 2, 1e-9);
  // TP IoUs 0.9, 0.6, 0.8: thresholds 0.5..0.6 (3) keep all three (AP50),
  // 0.65..0.8 (4) lose the 0.6 hit (67 * 0.4 / 101), 0.85..0.9 (2) keep only
  // the 0.9 hit, scored last: FP FP FP FP TP -> precision 1/5 up to recall
  // 1/3 (34 points); 0.95 none.
  const double ap_face = (3 * ap50 + 4 * (67 * 0.4 / 101) + 2 * (34 * 0.2 / 101)) / 10;
  EXPECT_NEAR(m.at("eval_ap50_95/face").get<double>(), ap_face, 1e-6);
  EXPECT_NEAR(m.at("eval_map_50_95").get<double>(), ap_face / 2, 1e-6);
  EXPECT_EQ(m.at("eval_map_per_iou")["map"].size(), 10u);
  EXPECT_EQ(m.at("eval_tp_iou").size(), 3u);
  EXPECT_EQ(m.at("eval_pr_curve/face")["recall"].size(), 5u);
}

}  // namespace
}  // namespace kenning
