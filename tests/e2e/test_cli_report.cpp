// `kenning report` on measurements written by `kenning test`: the report, its
// figures, the HTML page and the summary appear; a bad file fails with its
// name and writes nothing.

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

TEST(CliReport, ComparesTwoTestRuns) {
  const auto dir = e2e_temp_dir("report", "compare");
  // Two short runs of the random-tensor scenario (no dataset files needed).
  for (const char* name : {"a", "b"}) {
    const auto r = run_kenning({"test", "--cfg", "scenarios/onnx-model-random.json", "--measurements",
                                (dir / (std::string(name) + ".json")).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto report = dir / "report.md";
  const auto r = run_kenning({"report", "--measurements", (dir / "a.json").string(), (dir / "b.json").string(),
                              "--report-path", report.string(), "--to-html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("html:   " + (dir / "report.html").string()), std::string::npos) << r.out;
  std::ifstream in(report);
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("## Summary"), std::string::npos);
  EXPECT_NE(md.find("| a |"), std::string::npos) << md;
  EXPECT_NE(md.find("| b |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Performance"), std::string::npos);
  // Box plots and the radar compare the runs; each run has its time series.
  for (const char* figure : {"report-img/comparison-latency-box.png", "report-img/comparison-resources-radar.png",
                             "report-img/performance-0-0.png", "report-img/performance-1-0.png"}) {
    EXPECT_NE(md.find(std::string("(") + figure + ")"), std::string::npos) << figure << "\n" << md;
    EXPECT_GT(fs::file_size(dir / figure), 5000u) << figure;
  }
  std::ifstream hin(dir / "report.html");
  const std::string html((std::istreambuf_iterator<char>(hin)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<img src=\"data:image/png;base64,"), std::string::npos);
  EXPECT_EQ(html.find("report-img/"), std::string::npos) << "the page must not depend on the image folder";
  std::ifstream sin(report.string() + ".summary.json");
  const json summary = json::parse(sin);
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_TRUE(summary[0]["latency_median_s"].is_number());
}

TEST(CliReport, BadMeasurementsFailWithTheFileNameAndWriteNothing) {
  const auto dir = e2e_temp_dir("report", "bad");
  std::ofstream(dir / "broken.json") << "{ not json";
  const auto report = dir / "report.md";
  const auto r =
      run_kenning({"report", "--measurements", (dir / "broken.json").string(), "--report-path", report.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("broken.json"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(report));
  EXPECT_FALSE(fs::exists(dir / "report-img"));
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  const auto missing = run_kenning({"report", "--report-path", report.string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("--measurements"), std::string::npos) << missing.err;
}

TEST(CliReport, TestReportChainReportsTheRunItJustMeasured) {
  const auto dir = e2e_temp_dir("report", "chain");
  const auto report = dir / "chain.md";
  const auto r = run_kenning({"test", "report", "--cfg", "scenarios/onnx-model-random.json", "--measurements",
                              (dir / "run.json").string(), "--report-path", report.string(), "--no-plots"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("report: " + report.string() + " (1 run, 0 figures)"), std::string::npos) << r.out;
  std::ifstream in(report);
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The run is named after its measurements file, which the report lists.
  EXPECT_NE(md.find("- **run**: `" + (dir / "run.json").string() + "`"), std::string::npos) << md;
  EXPECT_NE(md.find("## Performance"), std::string::npos) << md;
  EXPECT_TRUE(fs::exists(dir / "run.json"));
}

TEST(CliReport, ChainedReportIsCheckedBeforeTheRun) {
  const auto dir = e2e_temp_dir("report", "chain-bad");
  const auto measurements = dir / "run.json";
  // A report folder that does not exist fails before anything is measured.
  const auto r = run_kenning({"test", "report", "--cfg", "scenarios/onnx-model-random.json", "--measurements",
                              measurements.string(), "--report-path", (dir / "nowhere" / "r.md").string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("inference time:"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(measurements));
  const auto no_path = run_kenning({"test", "report", "--cfg", "scenarios/onnx-model-random.json"});
  EXPECT_EQ(no_path.exit_code, 2);
  EXPECT_NE(no_path.err.find("--report-path"), std::string::npos) << no_path.err;
  // Nothing to report without a test or training.
  const auto nothing = run_kenning(
      {"optimize", "report", "--cfg", "scenarios/onnx-model-random.json", "--report-path", (dir / "r.md").string()});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("'report' in a chain comes after test or train"), std::string::npos) << nothing.err;
  const auto order = run_kenning({"report", "test", "--cfg", "scenarios/onnx-model-random.json"});
  EXPECT_NE(order.exit_code, 0);
}
