// `kenning test` on scenarios/blazeface-skimage-faces.json: BlazeFace
// (scripts/fetch-models.sh) through ONNXExecRuntime on scikit-image's sample
// images, scored against scenarios/annotations/skimage-faces.coco.json; and
// bad input failing cleanly.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kScenario = "scenarios/blazeface-skimage-faces.json";

class CliDetection : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path root = KENNING_TEST_SOURCE_DIR;
    if (!fs::exists(root / "external/blazeface/face_detection_front_128x128_barracuda.onnx") ||
        !fs::exists(root / "external/skimage/camera.png")) {
      GTEST_SKIP() << "external/blazeface or external/skimage missing; run scripts/fetch-models.sh";
    }
    // One folder per test: CTest runs them in parallel.
    dir_ = fs::path(KENNING_TEST_BINARY_DIR) / "test_cli_detection" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

TEST_F(CliDetection, BlazeFaceFindsBothFacesAndNothingElse) {
  const fs::path out = dir_ / "m.json";
  const auto r = run_kenning({"test", "--cfg", kScenario, "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mAP@0.5:"), std::string::npos) << r.out;
  const json m = json::parse(std::ifstream(out));
  // Two annotated faces (astronaut, cameraman), no false detection on the
  // coffee, the cat or the rocket: every prediction is a true positive.
  EXPECT_EQ(m["eval_gtcount/face"].get<int>(), 2);
  ASSERT_EQ(m["eval_det/face"].size(), 2u);
  for (const auto& d : m["eval_det/face"]) EXPECT_EQ(d[1].get<int>(), 1) << d;
  EXPECT_DOUBLE_EQ(m["eval_map_50"].get<double>(), 1.0);
  EXPECT_GT(m["eval_map_50_95"].get<double>(), 0.4);
  EXPECT_LT(m["eval_map_50_95"].get<double>(), 1.0);
  EXPECT_EQ(m["eval_map_per_iou"]["map"].size(), 10u);
  EXPECT_EQ(m["eval_tp_iou"].size(), 2u);
  EXPECT_EQ(m["eval_pr_curve/face"]["recall"].back().get<double>(), 1.0);
  EXPECT_EQ(m["eval_skipped_images"].get<int>(), 0);
}

TEST_F(CliDetection, TestThenReportShowsTheDetectionSection) {
  const fs::path out = dir_ / "m.json", report = dir_ / "faces.md";
  const auto r = run_kenning({"test", "report", "--cfg", kScenario, "--measurements", out.string(), "--report-path",
                              report.string(), "--to-html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string md = read_text(report);
  EXPECT_NE(md.find("## Detection"), std::string::npos) << md;
  EXPECT_NE(md.find("| face | 2 | 2 | 2 | 1.0000 | 1.0000 | 1.0000 |"), std::string::npos) << md;
  for (const char* figure : {"pr-curves", "ap-per-class", "map-per-iou", "tp-iou"}) {
    const fs::path png = dir_ / "faces-img" / (std::string("detection-0-") + figure + ".png");
    EXPECT_TRUE(fs::exists(png)) << png;
  }
  EXPECT_NE(read_text(dir_ / "faces.html").find("<h2>Detection</h2>"), std::string::npos);
}

TEST_F(CliDetection, AnchorsNotMatchingTheModelFailCleanly) {
  const fs::path out = dir_ / "m.json";
  const auto r = run_kenning({"test", "--cfg", kScenario, "--measurements", out.string(), "--anchors-per-cell", "2,4"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("output shapes do not match the anchors"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliDetection, BrokenAnnotationsNameTheFile) {
  const fs::path ann = dir_ / "bad.json";
  std::ofstream(ann) << R"({"images": [], "annotations": [{"image_id": 1}], "categories": []})";
  const fs::path out = dir_ / "m.json";
  const auto r =
      run_kenning({"test", "--cfg", kScenario, "--measurements", out.string(), "--annotations-path", ann.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(ann.string() + ": annotations[0]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliDetection, FlowWritesTheSameFacesAsTheDatasetPath) {
  std::string flow = read_text("scenarios/flow-blazeface-images.json");
  for (const char* name : {"build/blazeface-faces.jsonl", "build/blazeface-faces.avi"}) {
    const auto at = flow.find(name);
    ASSERT_NE(at, std::string::npos) << name;
    flow.replace(at, std::string(name).size(), (dir_ / fs::path(name).filename()).string());
  }
  const fs::path cfg = dir_ / "flow.json";
  std::ofstream(cfg) << flow;
  const auto r = run_kenning({"flow", "--cfg", cfg.string(), "--max-steps", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Images in name order: astronaut, camera, chelsea, coffee, rocket.
  std::ifstream lines(dir_ / "blazeface-faces.jsonl");
  std::vector<std::size_t> faces;
  for (std::string line; std::getline(lines, line);) faces.push_back(json::parse(line)["detections"].size());
  EXPECT_EQ(faces, (std::vector<std::size_t>{1, 1, 0, 0, 0}));
  EXPECT_GT(fs::file_size(dir_ / "blazeface-faces.avi"), 0u);
}

}  // namespace
