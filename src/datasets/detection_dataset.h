// Object detection datasets: images from a folder with boxes from COCO JSON
// (COCODetectionDataset) or Pascal VOC XML (VOCDetectionDataset).
//
// Every image is decoded once in prepare(), resized to image_width x
// image_height (boxes are normalised, so a plain resize keeps them valid) and
// kept as float32 RGB in [0, 1]. An image that cannot be decoded is skipped
// with a warning and counted (skipped_images(), and `eval_skipped_images` in
// the measurements). All images form the test split.
//
// Batch: inputs float32 [n, 3, H, W]; targets float32 [m, 6], one row per
// ground-truth box: sample index in the batch, x1, y1, x2, y2, class id.
// evaluate() takes one detection tensor [k, 6] per sample (see
// kenning/core/detection.h) and appends eval_det/<class> and
// eval_gtcount/<class> (see kenning/core/detection_metrics.h).
//
// Only built with KENNING_WITH_OPENCV.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/detection_annotations.h"
#include "kenning/core/params.h"
#include "kenning/dataset.h"

namespace kenning {

class DetectionDataset : public Dataset {
 public:
  std::size_t size(Split split) const override;
  Batch gather(Split split, std::span<const std::size_t> indices) const override;
  std::size_t inference_batch_size() const override { return batch_size_; }
  std::vector<std::string> class_names() const override { return annotations_.class_names; }
  std::vector<TensorSpec> sample_spec() const override;
  void evaluate(std::span<const Tensor> predictions, const Batch& truth, Measurements& m) const override;

  std::size_t skipped_images() const { return skipped_; }

 protected:
  DetectionDataset(std::string who, std::int64_t width, std::int64_t height, std::int64_t batch_size);
  // Decodes and resizes the images of `annotations`, skipping unreadable ones.
  void load(DetectionAnnotations annotations);

  std::string who_;

 private:
  std::int64_t width_, height_;
  std::size_t batch_size_;
  DetectionAnnotations annotations_;        // only the images that decoded
  std::vector<std::vector<float>> pixels_;  // per image, [3, H, W]
  std::size_t skipped_ = 0;
};

class COCODetectionDataset : public DetectionDataset {
 public:
  struct Params {
    std::filesystem::path annotations_path;
    std::filesystem::path images_dir;
    std::int64_t image_width = 128;
    std::int64_t image_height = 128;
    std::int64_t inference_batch_size = 1;
  };
  static const ParamSchema<Params>& schema();
  explicit COCODetectionDataset(const Params& params);
  void prepare() override;

 private:
  Params params_;
};

class VOCDetectionDataset : public DetectionDataset {
 public:
  struct Params {
    std::filesystem::path annotations_dir;
    std::filesystem::path images_dir;
    std::vector<std::string> class_names;
    std::int64_t image_width = 128;
    std::int64_t image_height = 128;
    std::int64_t inference_batch_size = 1;
  };
  static const ParamSchema<Params>& schema();
  explicit VOCDetectionDataset(const Params& params);
  void prepare() override;

 private:
  Params params_;
};

}  // namespace kenning
