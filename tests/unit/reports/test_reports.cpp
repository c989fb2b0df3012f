// Markdown reports from measurements: what a run shows, a comparison of
// runs, and bad or partial input.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "reports/markdown_report.h"
#include "reports/report_data.h"
#include "reports/report_input.h"
#include "report_test_files.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;
using kenning::testing::write_json;
using nlohmann::json;

namespace {

json run_json(double step, const std::vector<std::string>& classes) {
  json j = {{"command", "kenning test"},
            {"compiled_model_path", "m.onnx"},
            {"compiled_model_size", 1000},
            {"build_cfg", {{"runtime", {{"type", "ONNXExecRuntime"}}}}},
            {"class_names", classes},
            {"eval_confusion_matrix", {{8, 2}, {1, 9}}},
            {"top_5_count", 20}};
  j["target_inference_step"] = std::vector<double>(200, step);
  return j;
}

}  // namespace

TEST(Reports, OneRunHasPerformanceAndClassificationSections) {
  TempDir dir;
  const auto runs = load_report_runs({write_json(dir.path() / "fp32.json", run_json(0.01, {"cat", "dog"}))});
  const auto types = deduce_report_types(runs);
  ASSERT_EQ(types, (std::vector<std::string>{"performance", "classification"}));
  const std::string md = render_markdown_report(runs, types);
  EXPECT_HAS(md, "| fp32 | `m.onnx` | ONNXExecRuntime | 0.8500 | 10.0000 |");  // 17 of 20 right, 10 ms median
  EXPECT_HAS(md, "## Performance");
  EXPECT_HAS(md, "| cat | 0.8889 | 0.8000 |");  // precision 8/9, sensitivity 8/10
  EXPECT_HAS(md, "| **dog** | 1 | 9 |");
  EXPECT_HAS(md, "p99 needs 662 samples");
  EXPECT_HAS(md, "Verdict: **VALID**");
}

TEST(Reports, ComparisonNamesRunsAndFlagsDifferentClassLists) {
  TempDir dir;
  fs::create_directories(dir.path() / "other");
  const auto runs = load_report_runs({write_json(dir.path() / "a.json", run_json(0.002, {"cat", "dog"})),
                                      write_json(dir.path() / "b.json", run_json(0.001, {"car", "bus"})),
                                      write_json(dir.path() / "other" / "a.json", run_json(0.002, {"cat", "dog"}))});
  EXPECT_EQ(runs[2].name, "a-2");
  const std::string md = render_markdown_report(runs, deduce_report_types(runs));
  EXPECT_HAS(md, "**Partial comparison:** runs a and b have different class lists");
  const json summary = report_summary(runs);
  ASSERT_EQ(summary.size(), 3u);
  EXPECT_NEAR(summary[1]["latency_median_s"].get<double>(), 0.001, 1e-12);
}

TEST(Reports, BadFilesGiveClearErrorsAndMalformedPartsArePartial) {
  TempDir dir;
  EXPECT_HAS(error_of<IoError>([&] { load_report_runs({dir.path() / "missing.json"}); }), "missing.json");
  std::ofstream(dir.path() / "broken.json") << "{\"target_inference_step\": [1, 2";
  EXPECT_HAS(error_of<IoError>([&] { load_report_runs({dir.path() / "broken.json"}); }), "not valid JSON");
  write_json(dir.path() / "other.json", json{{"hello", 1}});
  EXPECT_HAS(error_of<ConfigError>([&] { load_report_runs({dir.path() / "other.json"}); }), "not measurements");
  EXPECT_HAS(error_of<ConfigError>([&] { load_report_runs({}); }), "at least one");
  // Malformed pieces are named in their section, the rest still renders.
  json bad = run_json(0.002, {"cat", "dog"});
  bad["eval_confusion_matrix"] = {{1, 2, 3}, {4}};
  bad["target_inference_step"] = {"fast", "slow"};
  const auto runs = load_report_runs({write_json(dir.path() / "bad.json", bad)});
  const std::string md = render_markdown_report(runs, {"performance", "classification"});
  EXPECT_HAS(md, "malformed: target_inference_step is not a list of numbers");
  EXPECT_HAS(md, "malformed eval_confusion_matrix");
}

TEST(Reports, StatisticsKeepTheRunsOwnVerdictRules) {
  // An offline run: 8 batches, 512 samples, judged by its minimums of 0.5 s
  // and 500 samples; the defaults (64 timed inferences) would say INVALID.
  json d = {{"target_inference_step", std::vector<double>(8, 0.1)}, {"test_samples", 512}};
  d["inference_statistics"]["verdict"]["rules"] = {
      {"min_duration_s", 0.5}, {"min_count", 500}, {"max_median_drift", 0.05}, {"count_unit", "samples"}};
  std::string why;
  const auto stats = stats_of(d, why);
  ASSERT_TRUE(stats) << why;
  EXPECT_EQ((*stats)["verdict"]["result"], "VALID") << (*stats)["verdict"];
  d.erase("inference_statistics");
  EXPECT_EQ(stats_of(d, why).value()["verdict"]["result"], "INVALID");
}

TEST(Reports, RemoteRunWithoutTargetTimesUsesTheRoundTrip) {
  // Upstream's remote files: the target does not time its runs.
  TempDir dir;
  json j = run_json(0.01, {"cat", "dog"});
  j.erase("target_inference_step");
  j["protocol_inference_step"] = std::vector<double>(20, 0.004);
  j["session_utilization_cpus_percent"] = {{50.0, 70.0}, {40.0, 60.0}};
  j["session_utilization_mem_percent"] = {4.0, 5.0};
  j["session_utilization_timestamp"] = {1.0, 2.0};
  j["command"] = {"python -m kenning.__main__ \\", "    test \\", "    --cfg \\", "        client.json"};
  const auto runs = load_report_runs({write_json(dir.path() / "remote.json", j)});
  const auto types = deduce_report_types(runs);
  ASSERT_EQ(types, (std::vector<std::string>{"performance", "classification"}));
  const std::string md = render_markdown_report(runs, types);
  EXPECT_HAS(md, "Inference time from `protocol_inference_step`");
  EXPECT_HAS(md, "| 20 | 4.0000 | 4.0000 | 4.0000 |");
  EXPECT_HAS(md, "| CPU (mean over cores) (%) | 2 |");
  EXPECT_HAS(md, "| memory (%) | 2 |");
  EXPECT_HAS(md, "(`python -m kenning.__main__ test --cfg client.json`)");
  // A file with target times keeps them, and says nothing of the round trip.
  const auto local = load_report_runs({write_json(dir.path() / "local.json", run_json(0.01, {"cat", "dog"}))});
  EXPECT_EQ(render_markdown_report(local, deduce_report_types(local)).find("protocol_inference_step"),
            std::string::npos);
}
