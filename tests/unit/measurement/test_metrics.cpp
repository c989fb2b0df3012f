// Classification metrics against confusion matrices worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kenning/core/error.h"
#include "kenning/measurement/metrics.h"

namespace kenning {
namespace {

// Six samples, three classes; class 2 is never predicted.
//   label  scores            predicted
//   0      .9  .05 .05       0
//   0      .2  .7  .1        1
//   1      .1  .8  .1        1
//   1      .6  .3  .1        0
//   2      .5  .4  .1        0
//   0      .8  .1  .1        0
// => [actual][predicted] = {{2,1,0},{1,1,0},{1,0,0}}
TEST(Metrics, AccumulateBuildsConfusionMatrixActualByPredicted) {
  const std::vector<float> scores{.9f, .05f, .05f, .2f, .7f, .1f, .1f, .8f, .1f,
                                  .6f, .3f,  .1f,  .5f, .4f, .1f, .8f, .1f, .1f};
  const std::vector<std::int64_t> labels{0, 0, 1, 1, 2, 0};
  ConfusionMatrix matrix;
  std::int64_t top5 = 0;
  accumulate_classification(scores, labels, 3, matrix, top5);
  const ConfusionMatrix expected{{2, 1, 0}, {1, 1, 0}, {1, 0, 0}};
  EXPECT_EQ(matrix, expected);
  // With 3 classes top-5 is top-3: every sample is a hit.
  EXPECT_EQ(top5, 6);

  // A second batch adds to the same counts.
  accumulate_classification(std::vector<float>{.1f, .2f, .7f}, std::vector<std::int64_t>{2}, 3, matrix, top5);
  EXPECT_EQ(matrix[2][2], 1);
  EXPECT_EQ(top5, 7);
}

TEST(Metrics, ThreeClassExampleWithClassNeverPredicted) {
  const ConfusionMatrix matrix{{2, 1, 0}, {1, 1, 0}, {1, 0, 0}};
  const auto m = compute_classification_metrics(matrix, 6);
  EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(m.top_5_accuracy, 1.0);
  ASSERT_EQ(m.precision.size(), 3u);
  EXPECT_DOUBLE_EQ(m.precision[0], 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.precision[1], 1.0 / 2.0);
  EXPECT_DOUBLE_EQ(m.precision[2], 0.0);  // never predicted
  ASSERT_EQ(m.sensitivity.size(), 3u);
  EXPECT_DOUBLE_EQ(m.sensitivity[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.sensitivity[1], 1.0 / 2.0);
  EXPECT_DOUBLE_EQ(m.sensitivity[2], 0.0);
  // Mean precision over the classes that were predicted (0 and 1).
  EXPECT_DOUBLE_EQ(m.mean_precision, (0.5 + 0.5) / 2.0);
  // Mean sensitivity over the classes present (all three).
  EXPECT_DOUBLE_EQ(m.mean_sensitivity, (2.0 / 3.0 + 0.5 + 0.0) / 3.0);
  // One present class has recall 0.
  EXPECT_DOUBLE_EQ(m.g_mean, 0.0);
}

TEST(Metrics, TwoClassGeometricMean) {
  const ConfusionMatrix matrix{{3, 1}, {1, 1}};
  const auto m = compute_classification_metrics(matrix, 6);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(m.precision[0], 0.75);
  EXPECT_DOUBLE_EQ(m.precision[1], 0.5);
  EXPECT_DOUBLE_EQ(m.sensitivity[0], 0.75);
  EXPECT_DOUBLE_EQ(m.sensitivity[1], 0.5);
  EXPECT_DOUBLE_EQ(m.mean_precision, 0.625);
  EXPECT_DOUBLE_EQ(m.mean_sensitivity, 0.625);
  EXPECT_NEAR(m.g_mean, std::sqrt(0.75 * 0.5), 1e-12);
}

// Class 1 has no samples and no predictions: it is left out of the means.
TEST(Metrics, AbsentClassIsLeftOutOfAverages) {
  const ConfusionMatrix matrix{{2, 0, 0}, {0, 0, 0}, {1, 0, 1}};
  const auto m = compute_classification_metrics(matrix, 4);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
  EXPECT_DOUBLE_EQ(m.sensitivity[1], 0.0);
  EXPECT_DOUBLE_EQ(m.precision[1], 0.0);
  EXPECT_DOUBLE_EQ(m.mean_sensitivity, (1.0 + 0.5) / 2.0);
  EXPECT_DOUBLE_EQ(m.mean_precision, (2.0 / 3.0 + 1.0) / 2.0);
  EXPECT_NEAR(m.g_mean, std::sqrt(0.5), 1e-12);
}

TEST(Metrics, EmptyMatrixGivesZeros) {
  const auto m = compute_classification_metrics(ConfusionMatrix{{0, 0}, {0, 0}}, 0);
  EXPECT_EQ(m.accuracy, 0.0);
  EXPECT_EQ(m.g_mean, 0.0);
  EXPECT_EQ(m.precision, (std::vector<double>{0.0, 0.0}));
}

// Seven classes, scores decreasing with the index: the true class's rank
// decides the top-5 hit (ranks 0..4 hit, 5 and 6 miss).
TEST(Metrics, TopFiveCountsRankOfTrueClass) {
  const std::vector<float> row{.7f, .6f, .5f, .4f, .3f, .2f, .1f};
  for (std::int64_t label = 0; label < 7; ++label) {
    ConfusionMatrix matrix;
    std::int64_t top5 = 0;
    accumulate_classification(row, std::vector<std::int64_t>{label}, 7, matrix, top5);
    EXPECT_EQ(top5, label < 5 ? 1 : 0) << "label " << label;
    EXPECT_EQ(matrix[static_cast<std::size_t>(label)][0], 1);
  }
}

// Equal scores rank by class index, so the outcome never depends on order.
TEST(Metrics, TiesBreakTowardsLowerClassIndex) {
  const std::vector<float> flat(7, 0.25f);
  std::vector<std::int64_t> hits;
  for (std::int64_t label = 0; label < 7; ++label) {
    ConfusionMatrix matrix;
    std::int64_t top5 = 0;
    accumulate_classification(flat, std::vector<std::int64_t>{label}, 7, matrix, top5);
    EXPECT_EQ(matrix[static_cast<std::size_t>(label)][0], 1) << "argmax of a tie is class 0";
    hits.push_back(top5);
  }
  EXPECT_EQ(hits, (std::vector<std::int64_t>{1, 1, 1, 1, 1, 0, 0}));

  ConfusionMatrix matrix;
  std::int64_t top5 = 0;
  accumulate_classification(std::vector<float>{.3f, .5f, .5f}, std::vector<std::int64_t>{2}, 3, matrix, top5);
  EXPECT_EQ(matrix[2][1], 1);
}

TEST(Metrics, NanScoresRankLast) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  ConfusionMatrix matrix;
  std::int64_t top5 = 0;
  accumulate_classification(std::vector<float>{nan, .1f, .2f}, std::vector<std::int64_t>{0}, 3, matrix, top5);
  EXPECT_EQ(matrix[0][2], 1);
}

template <class F>
std::string config_error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ConfigError";
  return "";
}

TEST(Metrics, RejectsBadInputWithoutTouchingCounts) {
  ConfusionMatrix matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const ConfusionMatrix before = matrix;
  std::int64_t top5 = 3;
  const std::vector<float> two_rows{.1f, .2f, .7f, .5f, .3f, .2f};

  auto msg = config_error_of([&] {
    accumulate_classification(two_rows, std::vector<std::int64_t>{0, 3}, 3, matrix, top5);
  });
  EXPECT_NE(msg.find("label 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[0, 3)"), std::string::npos) << msg;

  msg = config_error_of([&] {
    accumulate_classification(two_rows, std::vector<std::int64_t>{-1, 0}, 3, matrix, top5);
  });
  EXPECT_NE(msg.find("label -1"), std::string::npos) << msg;

  msg = config_error_of([&] {
    accumulate_classification(two_rows, std::vector<std::int64_t>{0, 1, 2}, 3, matrix, top5);
  });
  EXPECT_NE(msg.find("9 values, got 6"), std::string::npos) << msg;

  msg = config_error_of([&] {
    accumulate_classification(std::vector<float>{.1f, .2f, .3f, .4f, .5f}, std::vector<std::int64_t>{0, 1}, 3, matrix,
                              top5);
  });
  EXPECT_NE(msg.find("got 5"), std::string::npos) << msg;

  ConfusionMatrix wrong{{0, 0}, {0, 0}};
  msg = config_error_of([&] { accumulate_classification(two_rows, std::vector<std::int64_t>{0, 1}, 3, wrong, top5); });
  EXPECT_NE(msg.find("expected 3 rows"), std::string::npos) << msg;

  EXPECT_THROW(accumulate_classification(std::vector<float>{}, std::vector<std::int64_t>{}, 0, matrix, top5),
               ConfigError);
  EXPECT_EQ(matrix, before);
  EXPECT_EQ(top5, 3);

  EXPECT_THROW(compute_classification_metrics(ConfusionMatrix{{1, 2}, {3}}, 0), ConfigError);
  EXPECT_THROW(compute_classification_metrics(ConfusionMatrix{{1, -2}, {3, 4}}, 0), ConfigError);
}

}  // namespace
}  // namespace kenning
