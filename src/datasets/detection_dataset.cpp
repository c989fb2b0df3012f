#include "datasets/detection_dataset.h"

#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "kenning/measurement/detection_metrics.h"
#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"
#include "modules/opencv_io/opencv_io_module.h"

namespace kenning {

DetectionDataset::DetectionDataset(std::string who, std::int64_t width, std::int64_t height, std::int64_t batch_size)
    : who_(std::move(who)), width_(width), height_(height), batch_size_(static_cast<std::size_t>(batch_size)) {}

void DetectionDataset::load(DetectionAnnotations annotations) {
  annotations_.class_names = std::move(annotations.class_names);
  annotations_.images.clear();
  pixels_.clear();
  skipped_ = 0;
  const auto& io = opencv_io_module::api(who_ + ": reading images");
  for (auto& img : annotations.images) {
    cv::Mat bgr = io.read_color_image(img.image);
    if (bgr.empty()) {
      spdlog::warn("{}: {}: cannot be read as an image; skipped", who_, img.image.string());
      ++skipped_;
      continue;
    }
    cv::Mat rgb, resized, f;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    cv::resize(rgb, resized, cv::Size(static_cast<int>(width_), static_cast<int>(height_)), 0, 0, cv::INTER_AREA);
    resized.convertTo(f, CV_32FC3, 1.0 / 255.0);
    // HWC -> CHW, the dataset layout of image models.
    std::vector<float> chw(static_cast<std::size_t>(3 * width_ * height_));
    const std::size_t plane = static_cast<std::size_t>(width_ * height_);
    const auto* src = reinterpret_cast<const float*>(f.data);
    for (std::size_t px = 0; px < plane; ++px) {
      for (std::size_t c = 0; c < 3; ++c) chw[c * plane + px] = src[px * 3 + c];
    }
    pixels_.push_back(std::move(chw));
    annotations_.images.push_back(std::move(img));
  }
  if (skipped_ > 0) spdlog::warn("{}: {} of {} images skipped", who_, skipped_, skipped_ + pixels_.size());
}

std::size_t DetectionDataset::size(Split split) const { return split == Split::Test ? pixels_.size() : 0; }

std::vector<TensorSpec> DetectionDataset::sample_spec() const {
  TensorSpec s;
  s.name = "image";
  s.shape = {3, height_, width_};
  s.dtype = DType::Float32;
  return {s};
}

Batch DetectionDataset::gather(Split split, std::span<const std::size_t> indices) const {
  const std::size_t n = indices.size();
  Batch b;
  b.size = n;
  Tensor images(DType::Float32, {static_cast<std::int64_t>(n), 3, height_, width_});
  auto dst = images.data<float>();
  std::vector<float> rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (indices[i] >= size(split)) {
      throw ConfigError(who_ + ": sample " + std::to_string(indices[i]) + " of split " + split_name(split) +
                        " out of range (size " + std::to_string(size(split)) + ")");
    }
    const auto& px = pixels_[indices[i]];
    std::copy(px.begin(), px.end(), dst.begin() + static_cast<std::ptrdiff_t>(i * px.size()));
    for (const Detection& d : annotations_.images[indices[i]].boxes) {
      rows.insert(rows.end(), {static_cast<float>(i), d.x1, d.y1, d.x2, d.y2, static_cast<float>(d.class_id)});
    }
  }
  Tensor targets(DType::Float32, {static_cast<std::int64_t>(rows.size() / 6), 6});
  std::copy(rows.begin(), rows.end(), targets.data<float>().begin());
  b.inputs.push_back(std::move(images));
  b.targets.push_back(std::move(targets));
  return b;
}

void DetectionDataset::evaluate(std::span<const Tensor> predictions, const Batch& truth, Measurements& m) const {
  const std::string where = who_ + ".evaluate";
  if (predictions.size() != truth.size) {
    throw ConfigError(where + ": expected one detection tensor [k, 6] per sample (" + std::to_string(truth.size) +
                      "), got " + std::to_string(predictions.size()) + " tensors");
  }
  const auto& names = annotations_.class_names;
  std::vector<std::vector<Detection>> gt(truth.size);
  const auto rows = truth.targets.at(0).data<float>();
  for (std::size_t r = 0; r + 6 <= rows.size(); r += 6) {
    Detection d;
    d.x1 = rows[r + 1], d.y1 = rows[r + 2], d.x2 = rows[r + 3], d.y2 = rows[r + 4];
    d.class_id = static_cast<int>(rows[r + 5]);
    gt.at(static_cast<std::size_t>(rows[r])).push_back(d);
  }
  std::vector<std::int64_t> gt_count(names.size(), 0);
  for (std::size_t i = 0; i < truth.size; ++i) {
    const std::vector<Detection> pred = detections_from_tensor(predictions[i].view(), names);
    for (const Detection& d : gt[i]) ++gt_count[static_cast<std::size_t>(d.class_id)];
    for (std::size_t c = 0; c < names.size(); ++c) {
      for (const ScoredMatch& s : match_detections(pred, gt[i], static_cast<int>(c))) {
        m.append(keys::eval_det, names[c], nlohmann::json::array({s.score, s.tp ? 1 : 0, s.iou, s.tp_mask}));
      }
    }
  }
  for (std::size_t c = 0; c < names.size(); ++c) {
    const std::string key = std::string(keys::eval_gtcount) + names[c];
    m.set(keys::eval_gtcount, names[c], (m.contains(key) ? m.at(key).get<std::int64_t>() : 0) + gt_count[c]);
  }
  m.set(keys::eval_skipped_images, skipped_);
}

COCODetectionDataset::COCODetectionDataset(const Params& params)
    : DetectionDataset("COCODetectionDataset", params.image_width, params.image_height, params.inference_batch_size),
      params_(schema().checked(params)) {}

void COCODetectionDataset::prepare() { load(read_coco_annotations(params_.annotations_path, params_.images_dir)); }

VOCDetectionDataset::VOCDetectionDataset(const Params& params)
    : DetectionDataset("VOCDetectionDataset", params.image_width, params.image_height, params.inference_batch_size),
      params_(schema().checked(params)) {}

void VOCDetectionDataset::prepare() {
  load(read_voc_annotations(params_.annotations_dir, params_.images_dir, params_.class_names));
}

}  // namespace kenning
