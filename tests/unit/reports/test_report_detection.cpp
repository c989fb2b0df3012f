// The detection section of a report: numbers derived from the raw
// eval_det/<class> and eval_gtcount/<class> lists (as `kenning test` and
// upstream Kenning write them), the per-class table, the four figures, the
// comparison across detectors, and malformed lists reported, not fatal.
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "reports/detection_plots.h"
#include "reports/gnuplot.h"
#include "reports/report_data.h"
#include "reports/report_input.h"
#include "reports/report_plots.h"
#include "reports/report_writer.h"
#include "report_test_files.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::image_links;
using kenning::testing::read_file;
using kenning::testing::TempDir;
using kenning::testing::write_json;
using nlohmann::json;

namespace {

// face: 3 boxes; by score TP (IoU 0.85), FP, TP (IoU 0.62).
//   IoU 0.5-0.6:  recall 1/3 then 2/3 at precision 1, 2/3 -> AP = (34 + 33 * 2/3) / 101 = 56/101
//   IoU 0.65-0.85: only the 0.85 match -> 34/101; 0.9, 0.95: 0
//   AP@0.5:0.95 = (3 * 56 + 5 * 34) / 1010 = 338/1010
// cat: one box found at IoU 0.95 -> AP 1 at every threshold.
// dog: one prediction, no box: no AP, left out of the means.
json detection_run(double step) {
  json j = {{"class_names", {"face", "dog", "cat"}},
            {"eval_det/face", {{0.9, 1, 0.85}, {0.8, 0, 0.3}, {0.7, 1, 0.62}}},
            {"eval_gtcount/face", 3},
            {"eval_det/cat", {{0.6, 1, 0.95}}},
            {"eval_gtcount/cat", 1},
            {"eval_det/dog", {{0.5, 0, 0.0}}},
            {"eval_gtcount/dog", 0},
            {"eval_skipped_images", 0},
            {"compiled_model_size", 400'000}};
  for (int i = 0; i < 200; ++i) {
    j["target_inference_step"].push_back(step * (1 + 0.1 * (i % 5)));
    j["target_inference_step_timestamp"].push_back(100.0 + i * step);
  }
  return j;
}

constexpr double kFaceAp50 = 56.0 / 101, kFaceAp50_95 = 338.0 / 1010;

ReportOptions options(const fs::path& report, bool plots = true) {
  ReportOptions o;
  o.report_path = report;
  o.plots = plots;
  return o;
}

}  // namespace

TEST(ReportDetection, NumbersComeFromTheRawLists) {
  std::string why;
  const auto d = detection_of(detection_run(0.01), why);
  ASSERT_TRUE(d) << why;
  EXPECT_NEAR(d->map50, (kFaceAp50 + 1) / 2, 1e-9);
  EXPECT_NEAR(d->map50_95, (kFaceAp50_95 + 1) / 2, 1e-9);
  ASSERT_EQ(d->classes.size(), 3u);
  // class_names order, not the keys' alphabetical one.
  EXPECT_EQ(d->classes[0].name, "face");
  EXPECT_EQ(d->classes[1].name, "dog");
  EXPECT_EQ(d->classes[2].name, "cat");
  EXPECT_EQ(d->classes[0].true_positives, 2u);
  EXPECT_EQ(d->classes[1].predictions, 1u);
  ASSERT_EQ(d->map_per_threshold.size(), 10u);
  EXPECT_NEAR(d->map_per_threshold[2], (kFaceAp50 + 1) / 2, 1e-9);   // 0.6: both face matches still count
  EXPECT_NEAR(d->map_per_threshold[3], (34.0 / 101 + 1) / 2, 1e-9);  // 0.65: only the 0.85 one
  EXPECT_EQ(d->tp_iou.size(), 3u);
  EXPECT_EQ(d->skipped_images, 0u);
  EXPECT_FALSE(detection_of(json{{"target_inference_step", {0.1}}}, why));
  EXPECT_HAS(why, "no detection evaluation");
}

TEST(ReportDetection, SectionTablesAndFiguresOfOneRun) {
  TempDir dir;
  const auto runs = load_report_runs({write_json(dir.path() / "blazeface.json", detection_run(0.01))});
  EXPECT_EQ(deduce_report_types(runs), (std::vector<std::string>{"performance", "detection"}));
  const auto files = write_report(runs, options(dir.path() / "r.md"));
  const std::string md = read_file(files.markdown);
  EXPECT_HAS(md, "## Detection");
  EXPECT_HAS(md,
             "| mAP@0.5 | mAP@0.5:0.95 | ground-truth boxes | predictions | true positives at 0.5 | skipped images |");
  EXPECT_HAS(md, "| 0.7772 | 0.6673 | 4 | 5 | 3 | 0 |");
  EXPECT_HAS(md, "| face | 3 | 3 | 2 | 0.6667 | 0.6667 | 0.5545 | 0.3347 |");
  EXPECT_HAS(md, "| dog | 0 | 1 | 0 | 0.0000 | – | – | – |");
  EXPECT_HAS(md, "| cat | 1 | 1 | 1 | 1.0000 | 1.0000 | 1.0000 | 1.0000 |");
  // The summary gains mAP columns next to accuracy.
  EXPECT_HAS(md, "| run | model | runtime | accuracy | mAP@0.5 | mAP@0.5:0.95 | median (ms) |");
  EXPECT_HAS(md, "| blazeface | – | – | – | 0.7772 | 0.6673 |");
  const json summary = json::parse(read_file(files.summary));
  EXPECT_NEAR(summary[0]["map_50_95"].get<double>(), (kFaceAp50_95 + 1) / 2, 1e-9);
  for (const char* figure : {"pr-curves", "ap-per-class", "map-per-iou", "tp-iou"}) {
    const std::string link = fmt::format("r-img/detection-0-{}.png", figure);
    EXPECT_HAS(md, "(" + link + ")");
    EXPECT_GT(fs::file_size(dir.path() / link), 5000u) << link << ": an empty canvas";
  }
}

TEST(ReportDetection, FigureScriptsCarryTheData) {
  std::string why;
  const auto d = detection_of(detection_run(0.01), why);
  ASSERT_TRUE(d) << why;
  const auto figures = detection_figures("run", *d);
  ASSERT_EQ(figures.size(), 4u);
  // face's curve from recall 0, then after each prediction.
  EXPECT_HAS(figures[0].script, "$c0 << EOD\n0 1\n0.333333333 1\n0.333333333 0.5\n0.666666667 0.666666667\nEOD");
  EXPECT_HAS(figures[0].script, "'face (AP@0.5 0.554, 3 boxes)'");
  EXPECT_HAS(figures[0].script, "'cat (AP@0.5 1.000, 1 boxes)'");
  EXPECT_EQ(figures[0].script.find("dog"), std::string::npos);  // no boxes, no curve
  EXPECT_HAS(figures[1].script, "set xtics ('face' 0, 'cat' 1)");
  EXPECT_HAS(figures[1].script, "\n0 0.554455446 0.334653465\n1 1 1\n");
  EXPECT_HAS(figures[2].script, "\n0.65 0.668316832\n");
  // IoU 0.62, 0.85, 0.95 in the bins centred on 0.6125, 0.8625, 0.9625.
  EXPECT_HAS(figures[3].script, "\n0.6125 1\n");
  EXPECT_HAS(figures[3].script, "\n0.8625 1\n");
  EXPECT_HAS(figures[3].script, "\n0.9625 1\n");
  EXPECT_HAS(figures[3].script, "median IoU 0.850");
}

TEST(ReportDetection, ManyClassesDrawTheTenWithTheMostBoxes) {
  json run = {{"target_inference_step", {0.01, 0.01}}};
  for (int c = 0; c < 12; ++c) {
    const std::string name = fmt::format("class{}", c);
    run["eval_det/" + name] = {{0.9, 1, 0.8}};
    run["eval_gtcount/" + name] = c + 1;
  }
  std::string why;
  const auto d = detection_of(run, why);
  ASSERT_TRUE(d) << why;
  const auto figures = detection_figures("run", *d);
  EXPECT_HAS(figures[0].caption, "(the 10 of 12 classes with the most boxes)");
  EXPECT_EQ(figures[0].script.find("'class0 "), std::string::npos);
  EXPECT_EQ(figures[0].script.find("'class1 "), std::string::npos);
  EXPECT_HAS(figures[0].script, "'class11 (AP@0.5 0.089, 12 boxes)'");
  for (int c = 0; c < 12; ++c) EXPECT_HAS(figures[1].script, fmt::format("'class{}' ", c));  // every class has its bars
}

TEST(ReportDetection, UpstreamRawListsAloneMakeAReport) {
  TempDir dir;
  json raw = {{"eval_det/face", {{0.9, 1, 0.85}}}, {"eval_gtcount/face", 2}};
  const auto runs = load_report_runs({write_json(dir.path() / "upstream.json", raw)});
  EXPECT_EQ(deduce_report_types(runs), (std::vector<std::string>{"detection"}));
  const std::string md = read_file(write_report(runs, options(dir.path() / "r.md", false)).markdown);
  EXPECT_HAS(md,
             "| face | 2 | 1 | 1 | 1.0000 | 0.5000 | 0.5050 | 0.4040 |");  // 51 of 101 recall points; none above 0.85
}

TEST(ReportDetection, MalformedListsAreReportedNotFatal) {
  TempDir dir;
  json bad = detection_run(0.01);
  bad["eval_det/face"] = "oops";
  json bad_count = detection_run(0.01);
  bad_count["eval_gtcount/cat"] = -3;
  const auto runs =
      load_report_runs({write_json(dir.path() / "bad.json", bad), write_json(dir.path() / "count.json", bad_count)});
  const auto files = write_report(runs, options(dir.path() / "r.md"));
  const std::string md = read_file(files.markdown);
  EXPECT_HAS(md, "_malformed detection evaluation (eval_det/<class>, eval_gtcount/<class>):");
  for (const auto& link : image_links(md)) EXPECT_EQ(link.find("detection-"), std::string::npos) << link;
  // Performance is still reported for both.
  EXPECT_HAS(md, "(r-img/performance-0-0.png)");
  EXPECT_HAS(md, "(r-img/performance-1-0.png)");
}

TEST(ReportDetection, ComparisonOfDetectorsPlotsMapAgainstLatencyAndIoU) {
  TempDir dir;
  json weaker = detection_run(0.004);
  weaker["eval_det/cat"] = json::array();  // the cat missed
  weaker["compiled_model_size"] = 100'000;
  const auto runs = load_report_runs(
      {write_json(dir.path() / "big.json", detection_run(0.01)), write_json(dir.path() / "small.json", weaker)});
  const auto planned = plan_report_figures(runs, deduce_report_types(runs), dir.path(), "img/");
  const auto& comparison = planned.index.at("comparison");
  std::vector<std::string> links;
  for (const auto& f : comparison) links.push_back(f.link);
  EXPECT_NE(std::find(links.begin(), links.end(), "img/comparison-map-latency.png"), links.end());
  EXPECT_NE(std::find(links.begin(), links.end(), "img/comparison-map-per-iou.png"), links.end());
  for (const auto& job : planned.jobs) {
    if (job.output.filename() == "comparison-map-latency.png") {
      EXPECT_HAS(job.script, "set ylabel 'mAP@0.5:0.95'");
      EXPECT_HAS(job.script, fmt::format(" {:.9g}\nEOD", kFaceAp50_95 / 2));  // small: face only
    }
    if (job.output.filename() == "comparison-map-per-iou.png") {
      EXPECT_HAS(job.script, "'big (mAP@0.5:0.95 0.667)'");
      EXPECT_HAS(job.script, "'small (mAP@0.5:0.95 0.167)'");
    }
  }
}
