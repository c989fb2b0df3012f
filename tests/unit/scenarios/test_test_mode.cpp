// Test modes: the sample schedule is repeatable from its seed, covers every
// sample once per pass and cycles, and a run stops only when both the
// minimum duration and the minimum count are met.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "scenarios/test_mode.h"

using namespace kenning;

namespace {

std::vector<std::size_t> starts_of(SampleSchedule& s, std::size_t n) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(s.next().begin);
  return v;
}

}  // namespace

TEST(TestMode, ParsesNamesAndRefusesUnknownOnes) {
  EXPECT_EQ(parse_test_mode("accuracy"), TestMode::Accuracy);
  EXPECT_EQ(parse_test_mode("single-stream"), TestMode::SingleStream);
  EXPECT_EQ(parse_test_mode("offline"), TestMode::Offline);
  for (auto mode : {TestMode::Accuracy, TestMode::SingleStream, TestMode::Offline}) {
    EXPECT_EQ(parse_test_mode(test_mode_name(mode)), mode);
  }
  try {
    parse_test_mode("server");
    FAIL() << "accepted an unknown mode";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--test-mode"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'server'"), std::string::npos) << e.what();
  }
}

TEST(TestMode, SettingsCheckNamesTheFlag) {
  LoadSettings s;
  EXPECT_NO_THROW(check_load_settings(s));
  s.min_duration_s = -1;
  EXPECT_THROW(
      try { check_load_settings(s); } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("--min-duration"), std::string::npos);
        throw;
      },
      ConfigError);
  s = {};
  s.min_query_count = 0;
  EXPECT_THROW(
      try { check_load_settings(s); } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("--min-query-count"), std::string::npos);
        throw;
      },
      ConfigError);
  s = {};
  s.offline_batch_size = 32;
  EXPECT_THROW(check_load_settings(s), ConfigError);  // accuracy mode has no offline batches
  s.mode = TestMode::Offline;
  EXPECT_NO_THROW(check_load_settings(s));
}

TEST(SampleSchedule, SameSeedSameOrderOtherSeedOtherOrder) {
  SampleSchedule a(100, 1, true, 7), b(100, 1, true, 7), c(100, 1, true, 8);
  const auto first = starts_of(a, 100);
  EXPECT_EQ(first, starts_of(b, 100));
  EXPECT_NE(first, starts_of(c, 100));
  std::vector<std::size_t> in_order(100);
  for (std::size_t i = 0; i < 100; ++i) in_order[i] = i;
  EXPECT_NE(first, in_order) << "single-stream order is not shuffled";
}

TEST(SampleSchedule, EachPassIssuesEverySampleOnceThenRepeats) {
  SampleSchedule s(37, 1, true, 1);
  EXPECT_EQ(s.queries_per_pass(), 37u);
  const auto pass1 = starts_of(s, 37);
  EXPECT_TRUE(s.in_first_pass());
  EXPECT_EQ(s.complete_passes(), 1u);
  EXPECT_EQ(std::set<std::size_t>(pass1.begin(), pass1.end()).size(), 37u);
  EXPECT_EQ(*std::max_element(pass1.begin(), pass1.end()), 36u);
  const auto pass2 = starts_of(s, 37);
  EXPECT_FALSE(s.in_first_pass());
  EXPECT_EQ(pass1, pass2);
  EXPECT_EQ(s.samples_issued(), 74u);
  EXPECT_EQ(s.queries_issued(), 74u);
  EXPECT_EQ(s.complete_passes(), 2u);
}

TEST(SampleSchedule, BatchesCoverTheSetInOrderWithAShortLastOne) {
  SampleSchedule s(10, 4, false, 0);
  ASSERT_EQ(s.queries_per_pass(), 3u);
  const Query a = s.next(), b = s.next(), c = s.next(), d = s.next();
  EXPECT_EQ(a.begin, 0u);
  EXPECT_EQ(a.count, 4u);
  EXPECT_EQ(b.begin, 4u);
  EXPECT_EQ(c.begin, 8u);
  EXPECT_EQ(c.count, 2u);
  EXPECT_EQ(d.begin, 0u);  // the next pass
  EXPECT_EQ(s.samples_issued(), 14u);
}

TEST(SampleSchedule, EmptySetRefusesToIssue) {
  SampleSchedule s(0, 1, true, 3);
  EXPECT_EQ(s.queries_per_pass(), 0u);
  EXPECT_THROW(s.next(), ConfigError);
}

TEST(SampleSchedule, StopsOnlyWhenBothMinimumsAreMet) {
  LoadSettings settings;
  settings.min_duration_s = 0.5;
  settings.min_query_count = 100;
  EXPECT_FALSE(minimums_met(settings, 99, 10.0));    // long enough, too few
  EXPECT_FALSE(minimums_met(settings, 5000, 0.49));  // enough, too short
  EXPECT_TRUE(minimums_met(settings, 100, 0.5));
  // A simulated run of ~1 ms queries (a power of two, so the sum is exact):
  // the count is met first, the time decides.
  SampleSchedule s(30, 1, true, 9);
  double elapsed = 0;
  while (!minimums_met(settings, s.samples_issued(), elapsed)) {
    s.next();
    elapsed += 1.0 / 1024;
  }
  EXPECT_EQ(s.samples_issued(), 512u);
  EXPECT_EQ(s.complete_passes(), 17u);  // 512 / 30
}
