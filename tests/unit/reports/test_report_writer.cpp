// Whole reports written to disk: every figure is drawn by gnuplot and linked
// from the Markdown, the HTML page embeds them, the summary sits beside the
// report, and a failing or missing gnuplot leaves no report behind.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "reports/html_report.h"
#include "kenning/core/error.h"
#include "reports/report_data.h"
#include "reports/report_input.h"
#include "reports/report_plots.h"
#include "reports/report_writer.h"
#include "report_test_files.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::image_links;
using kenning::testing::read_file;
using kenning::testing::TempDir;
using kenning::testing::write_json;
using nlohmann::json;

namespace {

// A run as `kenning test` and `kenning train` write it: timed inferences,
// sampled CPU (2 cores) and memory, a 3-class confusion matrix, 3 epochs.
json full_run(double step, std::int64_t size) {
  json j = {{"command", "kenning test"},
            {"compiled_model_path", "m.onnx"},
            {"compiled_model_size", size},
            {"class_names", {"cat", "dog", "bird"}},
            {"eval_confusion_matrix", {{8, 1, 1}, {2, 7, 1}, {0, 0, 10}}},
            {"top_5_count", 30},
            {"training_epoch", {1, 2, 3}},
            {"training_train_loss", {0.9, 0.5, 0.3}},
            {"training_val_loss", {1.0, 0.6, 0.45}},
            {"training_train_accuracy", {0.6, 0.8, 0.9}},
            {"training_val_accuracy", {0.55, 0.75, 0.85}}};
  for (int i = 0; i < 300; ++i) {
    j["target_inference_step"].push_back(step * (1 + 0.1 * (i % 7)));
    j["target_inference_step_timestamp"].push_back(1000.0 + i * step * 1.2);
  }
  for (int i = 0; i < 20; ++i) {
    j["session_utilization_cpus_percent"].push_back({40.0 + i, 60.0 - i});
    j["session_utilization_mem_percent"].push_back(10.0 + 0.1 * i);
    j["session_utilization_timestamp"].push_back(1000.0 + 0.1 * i);
  }
  return j;
}

// Width and height from a PNG's IHDR chunk.
std::pair<int, int> png_size(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(bytes[at]) << 24) | (static_cast<unsigned char>(bytes[at + 1]) << 16) |
           (static_cast<unsigned char>(bytes[at + 2]) << 8) | static_cast<unsigned char>(bytes[at + 3]);
  };
  return {be32(16), be32(20)};
}

ReportOptions options(const fs::path& report, bool plots = true, bool to_html = false) {
  ReportOptions o;
  o.report_path = report;
  o.plots = plots;
  o.to_html = to_html;
  return o;
}

// Sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST(ReportWriter, OneRunDrawsEveryFigureAndLinksIt) {
  TempDir dir;
  const auto runs = load_report_runs({write_json(dir.path() / "fp32.json", full_run(0.002, 1'000'000))});
  const auto files = write_report(runs, options(dir.path() / "report.md"));
  const std::string md = read_file(files.markdown);
  const auto links = image_links(md);
  // inference time, CPU, memory; 2 confusion matrices + per-class bars; loss and accuracy.
  ASSERT_EQ(links.size(), 8u) << md;
  ASSERT_EQ(files.figures, 8u);
  for (const auto& link : links) {
    EXPECT_EQ(link.rfind("report-img/", 0), 0u) << link;
    const std::string png = read_file(dir.path() / link);
    EXPECT_EQ(png_size(png), (std::pair<int, int>{kPlotWidth, kPlotHeight})) << link;
    EXPECT_GT(png.size(), 5000u) << link << ": an empty canvas";
  }
  EXPECT_HAS(md, "## Performance");
  EXPECT_HAS(
      md, "| CPU (mean over cores) (%) | 20 | 50.0000 | 50.0000 | 50.0000 | 0.0000 | 50.0000 | 50.0000 | n/a | n/a |");
  EXPECT_HAS(md, "| memory (%) | 20 | 10.0000 | 11.0000 | 11.0000 |");  // first, then the 19 after it
  EXPECT_FALSE(fs::exists(files.html));
  EXPECT_TRUE(fs::exists(dir.path() / "report.md.summary.json"));
  // Only the report, its summary and its figures: no staging folder or script left.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += e.path().filename() != "fp32.json";
  EXPECT_EQ(entries, 3u);
  for (const auto& e : fs::directory_iterator(dir.path() / "report-img")) EXPECT_EQ(e.path().extension(), ".png");
}

TEST(ReportWriter, ComparisonHasBubbleBoxAndRadarAndSelfContainedHtml) {
  TempDir dir;
  const auto runs = load_report_runs({write_json(dir.path() / "fp32.json", full_run(0.002, 1'600'000)),
                                      write_json(dir.path() / "int8.json", full_run(0.001, 400'000))});
  const auto files = write_report(runs, options(dir.path() / "cmp.md", true, true));
  const std::string md = read_file(files.markdown);
  EXPECT_HAS(md, "## Comparison");
  EXPECT_HAS(md, "(cmp-img/comparison-accuracy-latency.png)");
  EXPECT_HAS(md, "(cmp-img/comparison-latency-box.png)");
  EXPECT_HAS(md, "(cmp-img/comparison-resources-radar.png)");
  const std::size_t figures = image_links(md).size();
  EXPECT_EQ(figures, 3u + 2 * 8u);
  ASSERT_EQ(files.html, dir.path() / "cmp.html");
  const std::string html = read_file(files.html);
  EXPECT_HAS(html, "<table>");
  EXPECT_HAS(html, "<title>Kenning report: cmp</title>");
  // Every image is inline; nothing points at the image folder.
  std::size_t inline_images = 0;
  for (std::size_t at = 0; (at = html.find("src=\"data:image/png;base64,", at)) != std::string::npos; ++at)
    ++inline_images;
  EXPECT_EQ(inline_images, figures);
  EXPECT_EQ(html.find("src=\"cmp-img/"), std::string::npos);
}

TEST(ReportWriter, PlotScriptsCarryTitlesUnitsLegendsAndTheData) {
  TempDir dir;
  const auto runs = load_report_runs({write_json(dir.path() / "fp32.json", full_run(0.002, 1'000'000))});
  const auto planned = plan_report_figures(runs, {"performance", "classification"}, dir.path(), "img/");
  ASSERT_EQ(planned.jobs.size(), 6u);
  const std::string& latency = planned.jobs[0].script;
  EXPECT_HAS(latency, "set title 'fp32: inference time over time'");
  EXPECT_HAS(latency, "set xlabel 'time since the start of the run (s)'");
  EXPECT_HAS(latency, "set ylabel 'inference time (ms)'");
  EXPECT_HAS(latency, "set key");
  EXPECT_HAS(latency, "\n0 2\n");  // first inference: t = 0 s, 2 ms
  const std::string& counts = planned.jobs[3].script;
  EXPECT_HAS(counts, "$m << EOD\n8 1 1\n2 7 1\n0 0 10\nEOD");
  EXPECT_HAS(counts, "set xtics ('cat' 0, 'dog' 1, 'bird' 2)");
  EXPECT_HAS(planned.jobs[4].script, "\n0.8 0.1 0.1\n0.2 0.7 0.1\n0 0 1\n");  // rows normalized
  EXPECT_EQ(planned.index.at("classification:0").size(), 3u);
}

TEST(ReportWriter, FailingOrMissingGnuplotLeavesNoReport) {
  TempDir dir;
  const auto runs = load_report_runs({write_json(dir.path() / "fp32.json", full_run(0.002, 1000))});
  const fs::path report = dir.path() / "report.md";
  {
    ScopedEnv env("KENNING_GNUPLOT", "/nonexistent/gnuplot");
    EXPECT_HAS(error_of<NotSupported>([&] { write_report(runs, options(report)); }), "--no-plots");
    // Tables only need no gnuplot.
    const auto files = write_report(runs, options(report, false, true));
    EXPECT_TRUE(image_links(read_file(files.markdown)).empty());
    EXPECT_HAS(read_file(files.html), "<td>fp32</td>");
    fs::remove(report);
  }
  {
    const fs::path fake = dir.path() / "fake-gnuplot";
    std::ofstream(fake) << "#!/bin/sh\necho 'line 3: undefined variable: oops' >&2\nexit 1\n";
    fs::permissions(fake, fs::perms::owner_all);
    ScopedEnv env("KENNING_GNUPLOT", fake.string());
    const std::string err = error_of<BackendError>([&] { write_report(runs, options(report)); });
    EXPECT_HAS(err, "gnuplot failed");
    EXPECT_HAS(err, "undefined variable: oops");
    EXPECT_HAS(err, ".png");
  }
  EXPECT_HAS(error_of<ConfigError>([&] { write_report(runs, options(dir.path() / "r.html", false, true)); }),
             "would be overwritten by the HTML page");
  EXPECT_HAS(error_of<IoError>([&] { write_report(runs, options(dir.path() / "no" / "r.md")); }), "does not exist");
  EXPECT_FALSE(fs::exists(report));
  EXPECT_FALSE(fs::exists(dir.path() / "r.html"));
  EXPECT_FALSE(fs::exists(dir.path() / "report-img"));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find("tmp"), std::string::npos) << e.path();
  }
}

TEST(ReportWriter, OlderAndNewerMeasurementFormatsAreNoted) {
  TempDir dir;
  json old = {{"inferencetime", std::vector<double>(100, 0.004)}};
  json newer = full_run(0.001, 1000);
  newer["kenning_version"] = "99.0.0";
  const auto runs =
      load_report_runs({write_json(dir.path() / "old.json", old), write_json(dir.path() / "new.json", newer)});
  const auto files = write_report(runs, options(dir.path() / "r.md", false));
  const std::string md = read_file(files.markdown);
  EXPECT_HAS(md, "older measurements format: inference times read from `inferencetime`");
  EXPECT_HAS(md, "| old | – | – | – | 4.0000 |");
  EXPECT_HAS(md, "written by kenning 99.0.0, newer than this kenning");
}

TEST(ReportWriter, UnoptimizedRunIsComparedAsARunOfItsOwn) {
  TempDir dir;
  json optimized = full_run(0.001, 400'000);
  optimized["__unoptimized__"] = full_run(0.002, 1'600'000);
  const auto runs = load_report_runs({write_json(dir.path() / "int8.json", optimized)});
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].name, "int8-unoptimized");
  EXPECT_EQ(runs[1].name, "int8");
  EXPECT_FALSE(runs[1].data.contains("__unoptimized__"));
  const auto files = write_report(runs, options(dir.path() / "r.md"));
  const std::string md = read_file(files.markdown);
  EXPECT_HAS(md, "| int8-unoptimized | `m.onnx` | – | 0.8333 | 2.6000 |");
  EXPECT_HAS(md, "(r-img/comparison-latency-box.png)");
}

TEST(ReportData, SeriesSummaryAndTimeAxis) {
  const json s = series_summary({9, 1, 4, 2, 3});
  EXPECT_EQ(s["count"], 5);
  EXPECT_EQ(s["first"], 9);  // the cold sample, kept out of the rest
  EXPECT_DOUBLE_EQ(s["mean"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(s["median"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(s["std"].get<double>(), std::sqrt(1.25));
  EXPECT_EQ(s["min"], 1);
  EXPECT_EQ(s["max"], 4);
  EXPECT_TRUE(s["p90"].is_null());  // 4 samples are too few
  const auto series = time_series_of(full_run(0.002, 1));
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[1].label, "CPU (mean over cores)");
  EXPECT_NEAR(series[1].t[1], 0.1, 1e-9);  // seconds since the earliest timestamp
  // GPU series (upstream's keys) are shown when a run recorded them.
  json gpu = full_run(0.002, 1);
  gpu["session_utilization_gpu_utilization"] = std::vector<double>(20, 75.0);
  gpu["session_utilization_gpu_mem_utilization"] = std::vector<double>(20, 30.0);
  const auto with_gpu = time_series_of(gpu);
  ASSERT_EQ(with_gpu.size(), 5u);
  EXPECT_EQ(with_gpu[3].label, "GPU");
  EXPECT_EQ(with_gpu[4].label, "GPU memory");
  EXPECT_TRUE(with_gpu[4].timed);
  // A remote run adds the host's round trip and what the link costs.
  json remote = {{"target_inference_step", {0.001, 0.002}},
                 {"protocol_inference_step", {0.0015, 0.0023}},
                 {"protocol_inference_step_timestamp", {50.0, 50.5}}};
  const auto link = time_series_of(remote);
  ASSERT_EQ(link.size(), 3u);
  EXPECT_EQ(link[1].label, "round trip (host)");
  EXPECT_EQ(link[2].label, "protocol overhead");
  EXPECT_NEAR(link[2].values[0], 0.5, 1e-9);  // ms
  EXPECT_NEAR(link[2].values[1], 0.3, 1e-9);
  EXPECT_NEAR(link[2].t[1], 0.5, 1e-9);
  json untimed = {{"target_inference_step", {0.001, 0.002}}};
  const auto plain = time_series_of(untimed);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_FALSE(plain[0].timed);
  EXPECT_DOUBLE_EQ(plain[0].values[1], 2.0);  // ms
}
