// `kenning test --test-mode`: single-stream and offline runs of the
// Fashion-MNIST CNN with ONNXExecRuntime on a reduced test set, checking the
// recorded mode, its parameters, counts and headline; bad flags refused.
#include <numeric>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kScenario = "scenarios/fashion-mnist-cnn-onnx-exec.json";
const char* kFashionRoot = "/usr/share/datasets/fashion-mnist";
// 2 % of the 10000 test samples.
const std::vector<std::string> kReduced = {"--reduce-dataset", "0.02"};
constexpr std::size_t kReducedSamples = 200;

bool have_data() { return fs::exists(fs::path(kFashionRoot) / "t10k-images-idx3-ubyte.gz"); }

CommandResult run_test(const fs::path& out, std::vector<std::string> extra) {
  std::vector<std::string> args = {"test", "--cfg", kScenario, "--measurements", out.string()};
  args.insert(args.end(), kReduced.begin(), kReduced.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return run_kenning(args);
}

double sum_of(const json& list) {
  double s = 0;
  for (const auto& x : list) s += x.get<double>();
  return s;
}

}  // namespace

TEST(CliTestModes, SingleStreamCyclesShuffledSamplesUntilBothMinimums) {
  if (!have_data()) GTEST_SKIP() << "no Fashion-MNIST data";
  const auto dir = e2e_temp_dir("modes", "single");
  const auto out = dir / "m.json";
  const auto r = run_test(
      out, {"--test-mode", "single-stream", "--min-query-count", "300", "--min-duration", "0.05", "--test-seed", "42"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["test_mode"], "single-stream");
  const auto& t = m["test_mode_parameters"];
  EXPECT_EQ(t["seed"], 42);
  EXPECT_EQ(t["query_size"], 1);
  EXPECT_EQ(t["min_query_count"], 300);
  EXPECT_DOUBLE_EQ(t["min_duration_s"].get<double>(), 0.05);
  EXPECT_EQ(t["test_split_samples"], kReducedSamples);
  const std::size_t issued = t["samples_issued"].get<std::size_t>();
  EXPECT_GE(issued, 300u);
  EXPECT_EQ(t["queries_issued"], issued);  // one sample per query
  EXPECT_EQ(m["target_inference_step"].size(), issued);
  EXPECT_EQ(m["test_samples"], issued);
  EXPECT_EQ(t["complete_passes"], issued / kReducedSamples);
  // Both minimums met, and the last query was the one that met the later.
  const double duration = t["duration_s"].get<double>();
  EXPECT_NEAR(duration, sum_of(m["target_inference_step"]), 1e-9);
  EXPECT_GE(duration, 0.05);
  EXPECT_TRUE(issued == 300u || duration - m["target_inference_step"].back().get<double>() < 0.05);
  // Every sample was seen once: the first pass is scored, and only it.
  EXPECT_EQ(m["total"], kReducedSamples);
  EXPECT_TRUE(m.contains("accuracy"));
  EXPECT_GT(m["accuracy"].get<double>(), 0.5);
  // LoadGen's headline with the mode's minimums in the verdict.
  const auto& stats = m["inference_statistics"];
  EXPECT_EQ(m["loadgen_result"]["metric"], "p90_latency_s");
  EXPECT_EQ(m["loadgen_result"]["value"], stats["percentiles"]["p90"]);
  EXPECT_GT(m["loadgen_result"]["value"].get<double>(), 0);
  EXPECT_EQ(m["loadgen_result"]["verdict"], stats["verdict"]["result"]);
  EXPECT_EQ(stats["verdict"]["rules"]["min_count"], 300);
  EXPECT_DOUBLE_EQ(stats["verdict"]["rules"]["min_duration_s"].get<double>(), 0.05);
  EXPECT_NE(r.out.find("single-stream:   p90 latency"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed 42"), std::string::npos) << r.out;
  fs::remove_all(dir);
  // Other seeds give the same samples in another order: same accuracy over
  // the first pass, and the schedule records its own seed.
  const auto other = dir.string() + "-other.json";
  const auto r2 = run_test(
      other, {"--test-mode", "single-stream", "--min-query-count", "200", "--min-duration", "0", "--test-seed", "7"});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const json m2 = read_json(other);
  EXPECT_EQ(m2["test_mode_parameters"]["seed"], 7);
  EXPECT_EQ(m2["eval_confusion_matrix"], m["eval_confusion_matrix"]);
  fs::remove(other);
}

TEST(CliTestModes, SingleStreamShortOfAPassSaysWhyNoQualityMetrics) {
  if (!have_data()) GTEST_SKIP() << "no Fashion-MNIST data";
  const auto dir = e2e_temp_dir("modes", "short");
  const auto out = dir / "m.json";
  const auto r = run_test(out, {"--test-mode", "single-stream", "--min-query-count", "50", "--min-duration", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["test_mode_parameters"]["samples_issued"], 50);
  EXPECT_EQ(m["test_mode_parameters"]["complete_passes"], 0);
  EXPECT_FALSE(m.contains("accuracy"));
  EXPECT_FALSE(m.contains("eval_confusion_matrix"));
  EXPECT_EQ(m["evaluation"], "none");
  EXPECT_NE(m["evaluation_skipped_reason"].get<std::string>().find("50 of the 200"), std::string::npos)
      << m["evaluation_skipped_reason"];
  // 50 samples are below p90's 64: no headline value, said so.
  EXPECT_TRUE(m["loadgen_result"]["value"].is_null());
  EXPECT_NE(r.out.find("n/a"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(CliTestModes, OfflineRepeatsTheSetInLargeBatches) {
  if (!have_data()) GTEST_SKIP() << "no Fashion-MNIST data";
  const auto dir = e2e_temp_dir("modes", "offline");
  const auto out = dir / "m.json";
  const auto r = run_test(out, {"--test-mode", "offline", "--offline-batch-size", "64", "--min-query-count", "500",
                                "--min-duration", "0.01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["test_mode"], "offline");
  const auto& t = m["test_mode_parameters"];
  EXPECT_EQ(t["query_size"], 64);
  const std::size_t issued = t["samples_issued"].get<std::size_t>();
  const std::size_t queries = t["queries_issued"].get<std::size_t>();
  // 200 samples as 64 + 64 + 64 + 8 per pass: 500 are reached on the 10th batch at the earliest.
  EXPECT_GE(issued, 500u);
  EXPECT_GE(queries, 10u);
  EXPECT_EQ(issued, (queries / 4) * kReducedSamples + std::min<std::size_t>(queries % 4, 3) * 64);
  EXPECT_EQ(m["target_inference_step"].size(), queries);
  EXPECT_EQ(m["test_samples"], issued);
  EXPECT_GE(t["complete_passes"].get<std::size_t>(), 2u);
  EXPECT_EQ(m["total"], kReducedSamples);  // scored once, not per pass
  EXPECT_TRUE(m.contains("accuracy"));
  EXPECT_EQ(m["loadgen_result"]["metric"], "samples_per_second");
  EXPECT_NEAR(m["loadgen_result"]["value"].get<double>(), issued / sum_of(m["target_inference_step"]), 1e-6);
  EXPECT_EQ(m["inference_statistics"]["verdict"]["rules"]["count_unit"], "samples");
  EXPECT_EQ(m["inference_statistics"]["verdict"]["rules"]["min_count"], 500);
  EXPECT_NE(r.out.find("offline:         "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("samples/s"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(CliTestModes, AccuracyStaysTheDefault) {
  if (!have_data()) GTEST_SKIP() << "no Fashion-MNIST data";
  const auto dir = e2e_temp_dir("modes", "accuracy");
  const auto out = dir / "m.json";
  const auto r = run_test(out, {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["test_mode"], "accuracy");
  EXPECT_EQ(m["target_inference_step"].size(), kReducedSamples);  // batch 1, each sample once
  EXPECT_EQ(m["total"], kReducedSamples);
  EXPECT_FALSE(m.contains("loadgen_result"));
  fs::remove_all(dir);
}

TEST(CliTestModes, BadValuesAreRefusedNamingTheFlag) {
  const auto dir = e2e_temp_dir("modes", "bad");
  const auto out = dir / "m.json";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--test-mode", "server"}, "--test-mode"},
      {{"--test-mode", "offline", "--min-duration", "-1"}, "--min-duration"},
      {{"--test-mode", "single-stream", "--min-query-count", "0"}, "--min-query-count"},
  };
  for (const auto& [flags, needle] : cases) {
    const auto r = run_test(out, flags);
    EXPECT_NE(r.exit_code, 0) << needle;
    EXPECT_NE(r.err.find("kenning: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << needle;
  }
  fs::remove_all(dir);
}

TEST(CliTestModes, RemoteScenariosAreRefusedBeforeConnecting) {
  if (!have_data()) GTEST_SKIP() << "no Fashion-MNIST data";
  const auto dir = e2e_temp_dir("modes", "remote");
  const auto out = dir / "m.json";
  // Port 1: nothing listens; the refusal must come before any connection.
  const auto r = run_kenning({"test", "--cfg", "scenarios/fashion-mnist-remote.json", "--port", "1", "--reduce-dataset",
                              "0.01", "--test-mode", "single-stream", "--measurements", out.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--test-mode single-stream: runs local runtimes only"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("cannot connect"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(dir);
}
