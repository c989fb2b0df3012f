// COCO JSON and Pascal VOC XML detection datasets on small files the tests
// write: boxes, class order, skipped images, errors naming the file, and
// evaluation into eval_det / eval_gtcount.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "datasets/detection_dataset.h"
#include "kenning/measurement/detection_metrics.h"
#include "kenning/core/error.h"
#include "kenning/measurement/measurements.h"
#include "test_support.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;

class DetectionDatasets : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(KENNING_TEST_BINARY_DIR) / "test_detection_datasets" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "images");
    fs::create_directories(dir_ / "voc");
    // 200x100 red image, 50x50 blue image, and a file that is not an image.
    cv::imwrite((dir_ / "images/red.png").string(), cv::Mat(100, 200, CV_8UC3, cv::Scalar(0, 0, 255)));
    cv::imwrite((dir_ / "images/blue.png").string(), cv::Mat(50, 50, CV_8UC3, cv::Scalar(255, 0, 0)));
    std::ofstream(dir_ / "images/broken.png") << "not a png";
  }
  void write(const fs::path& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  COCODetectionDataset coco(std::int64_t size = 8) {
    return COCODetectionDataset({dir_ / "coco.json", dir_ / "images", size, size, 2});
  }

  fs::path dir_;
};

constexpr const char* kCoco = R"({
  "images": [{"id": 7, "file_name": "red.png", "width": 200, "height": 100},
             {"id": 8, "file_name": "broken.png", "width": 10, "height": 10},
             {"id": 9, "file_name": "blue.png", "width": 50, "height": 50}],
  "annotations": [{"image_id": 7, "category_id": 3, "bbox": [20, 10, 100, 50]},
                  {"image_id": 9, "category_id": 1, "bbox": [0, 0, 25, 50]},
                  {"image_id": 7, "category_id": 1, "bbox": [150, 50, 50, 50]}],
  "categories": [{"id": 3, "name": "cat"}, {"id": 1, "name": "dog"}]})";

TEST_F(DetectionDatasets, COCOBoxesNormalisedAndUnreadableImagesSkipped) {
  write("coco.json", kCoco);
  auto data = coco();
  data.prepare();
  EXPECT_EQ(data.skipped_images(), 1u);
  ASSERT_EQ(data.size(Split::Test), 2u);
  EXPECT_EQ(data.size(Split::Train), 0u);
  EXPECT_EQ(data.class_names(), (std::vector<std::string>{"cat", "dog"}));
  const Batch b = data.batch(Split::Test, 0, 2);
  EXPECT_EQ(b.inputs[0].shape(), (Shape{2, 3, 8, 8}));
  // red.png resized: RGB channel 0 is 1, channel 2 is 0; blue.png the reverse.
  const auto px = b.inputs[0].data<float>();
  EXPECT_FLOAT_EQ(px[0], 1.0f);
  EXPECT_FLOAT_EQ(px[2 * 64], 0.0f);
  EXPECT_FLOAT_EQ(px[3 * 64 + 2 * 64], 1.0f);
  ASSERT_EQ(b.targets[0].shape(), (Shape{3, 6}));
  const auto t = b.targets[0].data<float>();
  const std::vector<float> expected{0, 0.1f,  0.1f, 0.6f, 0.6f, 0,   // red, cat
                                    0, 0.75f, 0.5f, 1,    1,    1,   // red, dog
                                    1, 0,     0,    0.5f, 1,    1};  // blue, dog
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(t[i], expected[i], 1e-6) << i;
}

TEST_F(DetectionDatasets, COCOErrorsNameTheFileAndEntry) {
  auto message = [&](const std::string& text) -> std::string {
    write("coco.json", text);
    try {
      coco().prepare();
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string file = (dir_ / "coco.json").string();
  std::string m = message(R"({"images": [], "annotations": [{"image_id": 1, "category_id": 1}], "categories": []})");
  EXPECT_HAS(m, file);
  EXPECT_HAS(m, "annotations[0]");
  m = message(R"({"images": [{"id": 1, "file_name": "red.png", "width": 2, "height": 2}],
                  "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}],
                  "categories": [{"id": 1, "name": "a"}]})");
  EXPECT_HAS(m, "annotations[0].bbox: expected 4 numbers");
  m = message(R"({"images": [{"id": 1, "file_name": "red.png", "width": 2, "height": 2}],
                  "annotations": [{"image_id": 1, "category_id": 5, "bbox": [0, 0, 1, 1]}],
                  "categories": [{"id": 1, "name": "a"}]})");
  EXPECT_HAS(m, "annotations[0].category_id: no category with id 5");
  m = message("{\"images\": [");
  EXPECT_HAS(m, file);
  EXPECT_HAS(m, "not valid JSON");
  m = message(R"({"images": []})");
  EXPECT_HAS(m, "missing key 'annotations'");
  EXPECT_THROW(COCODetectionDataset({dir_ / "none.json", dir_, 8, 8, 1}).prepare(), IoError);
}

std::string voc(const std::string& file, int w, int h, const std::string& objects) {
  return "<annotation><filename>" + file + "</filename><size><width>" + std::to_string(w) + "</width><height>" +
         std::to_string(h) + "</height><depth>3</depth></size>" + objects + "</annotation>";
}
std::string object(const std::string& name, int x1, int y1, int x2, int y2) {
  return "<object><name>" + name + "</name><bndbox><xmin>" + std::to_string(x1) + "</xmin><ymin>" + std::to_string(y1) +
         "</ymin><xmax>" + std::to_string(x2) + "</xmax><ymax>" + std::to_string(y2) + "</ymax></bndbox></object>";
}

TEST_F(DetectionDatasets, VOCReadsOneFilePerImageWithSortedClasses) {
  write("voc/a.xml", voc("red.png", 200, 100, object("person", 0, 0, 100, 50) + object("car", 100, 50, 200, 100)));
  write("voc/b.xml", voc("blue.png", 50, 50, object("car", 10, 20, 30, 40)));
  VOCDetectionDataset data({dir_ / "voc", dir_ / "images", {}, 4, 4, 1});
  data.prepare();
  EXPECT_EQ(data.class_names(), (std::vector<std::string>{"car", "person"}));
  ASSERT_EQ(data.size(Split::Test), 2u);
  const Batch a = data.batch(Split::Test, 0, 1);
  const auto t = a.targets[0].data<float>();
  ASSERT_EQ(a.targets[0].shape(), (Shape{2, 6}));
  EXPECT_FLOAT_EQ(t[3], 0.5f);   // person x2
  EXPECT_FLOAT_EQ(t[5], 1.0f);   // person
  EXPECT_FLOAT_EQ(t[7], 0.5f);   // car x1
  EXPECT_FLOAT_EQ(t[11], 0.0f);  // car
  const Batch b = data.batch(Split::Test, 1, 1);
  const auto tb = b.targets[0].data<float>();
  EXPECT_FLOAT_EQ(tb[2], 0.4f);
  EXPECT_FLOAT_EQ(tb[4], 0.8f);
}

TEST_F(DetectionDatasets, VOCErrorsNameTheFile) {
  write("voc/a.xml", voc("red.png", 200, 100, "<object><name>car</name></object>"));
  const std::string file = (dir_ / "voc/a.xml").string();
  auto message = [&](const std::vector<std::string>& classes) -> std::string {
    try {
      VOCDetectionDataset({dir_ / "voc", dir_ / "images", classes, 4, 4, 1}).prepare();
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_HAS(message({}), file + ": <object> 0: missing <bndbox>");
  write("voc/a.xml", voc("red.png", 200, 100, object("car", 0, 0, 10, 10)));
  EXPECT_HAS(message({"person"}), file + ": object class 'car' is not in class_names");
  write("voc/a.xml", "<annotation><filename>red.png</filename>");
  EXPECT_HAS(message({}), file + ": not valid XML");
  fs::remove(dir_ / "voc/a.xml");
  EXPECT_HAS(message({}), "no .xml files");
}

TEST_F(DetectionDatasets, EvaluateAccumulatesMatchesPerClass) {
  write("coco.json", kCoco);
  auto data = coco();
  data.prepare();
  const Batch b = data.batch(Split::Test, 0, 2);
  // red: the cat found exactly, the dog missed, one false dog; blue: the dog found.
  std::vector<Tensor> predictions;
  Detection cat{0.1f, 0.1f, 0.6f, 0.6f, 0, "cat", 0.9f};
  Detection false_dog{0.0f, 0.0f, 0.1f, 0.1f, 1, "dog", 0.8f};
  Detection dog{0.0f, 0.0f, 0.5f, 1.0f, 1, "dog", 0.7f};
  predictions.push_back(detections_to_tensor(std::vector<Detection>{cat, false_dog}));
  predictions.push_back(detections_to_tensor(std::vector<Detection>{dog}));
  Measurements m;
  data.evaluate(predictions, b, m);
  EXPECT_EQ(m.at("eval_gtcount/cat").get<int>(), 1);
  EXPECT_EQ(m.at("eval_gtcount/dog").get<int>(), 2);
  ASSERT_EQ(m.at("eval_det/dog").size(), 2u);
  EXPECT_EQ(m.at("eval_det/dog")[0][1].get<int>(), 0);
  EXPECT_EQ(m.at("eval_det/dog")[1][1].get<int>(), 1);
  // The 4th element: hits per IoU threshold 0.50..0.95 (an exact box: all ten).
  ASSERT_EQ(m.at("eval_det/dog")[0].size(), 4u);
  EXPECT_EQ(m.at("eval_det/dog")[0][3].get<int>(), 0);
  EXPECT_EQ(m.at("eval_det/dog")[1][3].get<int>(), kFullTpMask);
  EXPECT_EQ(m.at("eval_det/cat")[0][3].get<int>(), kFullTpMask);
  EXPECT_EQ(m.at("eval_skipped_images").get<int>(), 1);
  m.compute_derived();
  EXPECT_DOUBLE_EQ(m.at("eval_ap50/cat").get<double>(), 1.0);
  // dog: FP (0.8) then TP (0.7), 2 ground truths: precision 1/2 up to
  // recall 1/2 (51 points of 101).
  EXPECT_NEAR(m.at("eval_ap50/dog").get<double>(), 51 * 0.5 / 101, 1e-9);
  EXPECT_NEAR(m.at("eval_map_50").get<double>(), (1.0 + 51 * 0.5 / 101) / 2, 1e-9);
  // Predictions not one per sample: a clear error.
  EXPECT_THROW(data.evaluate(std::span<const Tensor>(predictions.data(), 1), b, m), ConfigError);
}

}  // namespace
}  // namespace kenning
