// Latency statistics: percentiles only with enough samples, the cold first
// inference kept apart, the verdict and its reasons.
#include <gtest/gtest.h>

#include "kenning/measurement/latency_stats.h"
#include "kenning/measurement/measurements.h"
#include "measurement/peak_probe.h"

using namespace kenning;

namespace {

bool has_reason(const nlohmann::json& reasons, const std::string& part) {
  for (const auto& r : reasons) {
    if (r.get<std::string>().find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST(LatencyStats, MinimumSamplesPerPercentile) {
  EXPECT_EQ(min_samples_for_percentile(90.0), 64u);
  EXPECT_EQ(min_samples_for_percentile(99.0), 662u);
  EXPECT_EQ(min_samples_for_percentile(95.0), 130u);
  EXPECT_EQ(min_samples_for_percentile(99.9), 6643u);
}

TEST(LatencyStats, PercentilesNeedEnoughSamples) {
  // 1 cold inference, then 100 steady ones of 1..100 ms.
  std::vector<double> steps = {0.5};
  for (int i = 1; i <= 100; ++i) steps.push_back(i * 1e-3);
  const auto s = latency_statistics(steps);
  EXPECT_DOUBLE_EQ(s["first_inference_time"].get<double>(), 0.5);
  EXPECT_EQ(s["steady_state"]["count"], 100);
  EXPECT_DOUBLE_EQ(s["steady_state"]["max"].get<double>(), 0.1);  // the cold one is not in it
  EXPECT_DOUBLE_EQ(s["percentiles"]["p50"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(s["percentiles"]["p90"].get<double>(), 0.09);
  EXPECT_TRUE(s["percentiles"]["p99"].is_null());
  EXPECT_TRUE(has_reason(s["percentiles_insufficient"], "p99 needs 662 samples, the steady state has 100"));
}

TEST(LatencyStats, VerdictNamesEachFailedRule) {
  // Few, short and drifting: every rule fails.
  std::vector<double> steps;
  for (int i = 0; i < 10; ++i) steps.push_back(i < 5 ? 1e-3 : 2e-3);
  const auto s = latency_statistics(steps);
  EXPECT_EQ(s["verdict"]["result"], "INVALID");
  EXPECT_TRUE(has_reason(s["verdict"]["reasons"], "less than the minimum 1.000 s"));
  EXPECT_TRUE(has_reason(s["verdict"]["reasons"], "fewer than the minimum 64"));
  EXPECT_TRUE(has_reason(s["verdict"]["reasons"], "unstable"));
  EXPECT_TRUE(has_reason(s["warnings"], "coefficient of variation"));

  // Enough, long enough and steady.
  const std::vector<double> steady(200, 10e-3);
  const auto ok = latency_statistics(steady);
  EXPECT_EQ(ok["verdict"]["result"], "VALID");
  EXPECT_TRUE(ok["verdict"]["reasons"].empty());
  EXPECT_TRUE(ok["warnings"].empty());
  EXPECT_TRUE(latency_statistics({})["verdict"]["result"] == "INVALID");
}

TEST(LatencyStats, MeasurementsDeriveStatisticsAndThroughput) {
  Measurements m;
  for (int i = 0; i < 100; ++i) m.append_timed(keys::target_inference_step, 0.01, i);
  m.set(keys::test_samples, 400);  // batches of 4
  m.set(keys::session_time, 2.0);
  m.compute_derived();
  EXPECT_NEAR(m.at("throughput_inference_only").get<double>(), 400.0, 1e-9);
  EXPECT_NEAR(m.at("throughput_session").get<double>(), 200.0, 1e-9);
  EXPECT_EQ(m.at("inference_statistics")["verdict"]["result"], "VALID");
  EXPECT_FALSE(m.contains("achieved_gflops"));  // no FLOP count given

  // 1 MFLOP per sample, 400 samples in 1 s of inference: 0.4 GFLOP/s.
  m.set(keys::flops_per_sample, 1e6);
  m.set(keys::host, {{"peak_gflops_single_core", 4.0}});
  m.compute_derived();
  EXPECT_NEAR(m.at("achieved_gflops").get<double>(), 0.4, 1e-9);
  EXPECT_NEAR(m.at("fraction_of_single_core_peak").get<double>(), 0.1, 1e-9);
}

TEST(PeakProbe, MeasuresAPlausibleRate) {
  const PeakProbe& p = single_core_peak();
  // Any x86-64 core of the last fifteen years: 1 to 500 GFLOP/s on one core.
  EXPECT_GT(p.gflops, 1.0) << p.isa;
  EXPECT_LT(p.gflops, 500.0) << p.isa;
  EXPECT_FALSE(p.isa.empty());
  EXPECT_EQ(&single_core_peak(), &p);  // measured once
}

TEST(LatencyStats, OfflineRulesCountSamplesNotTimedInferences) {
  // 10 batches of 0.2 s: long enough, 10 timed inferences but 640 samples.
  const std::vector<double> steps(10, 0.2);
  VerdictRules rules;
  rules.min_count = 600;
  rules.count_samples = true;
  const auto enough = latency_statistics(steps, rules, 640);
  EXPECT_EQ(enough["verdict"]["result"], "VALID") << enough["verdict"];
  EXPECT_EQ(enough["verdict"]["rules"]["count_unit"], "samples");
  const auto short_of = latency_statistics(steps, rules, 599);
  EXPECT_EQ(short_of["verdict"]["result"], "INVALID");
  EXPECT_TRUE(has_reason(short_of["verdict"]["reasons"], "599 samples issued, fewer than the minimum 600"));
  rules.count_samples = false;  // the same run judged per timed inference
  EXPECT_TRUE(has_reason(latency_statistics(steps, rules, 640)["verdict"]["reasons"],
                         "10 timed inferences, fewer than the minimum 600"));
}
