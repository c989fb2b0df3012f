// Test inputs for flows made from the Fashion-MNIST test set (Debian's
// dataset-fashion-mnist): a folder of PNG images and a video file.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "datasets/idx_reader.h"

inline const char* kFashionMnistRoot = "/usr/share/datasets/fashion-mnist";

struct FashionSamples {
  std::vector<cv::Mat> images;  // 28x28 grey
  std::vector<int> labels;
};

// The first `count` images of the test split.
inline FashionSamples load_fashion_samples(std::size_t count) {
  const std::filesystem::path root = kFashionMnistRoot;
  const kenning::IdxArray images = kenning::read_idx(root / "t10k-images-idx3-ubyte.gz", 3);
  const kenning::IdxArray labels = kenning::read_idx(root / "t10k-labels-idx1-ubyte.gz", 1);
  FashionSamples s;
  for (std::size_t i = 0; i < count && i < labels.data.size(); ++i) {
    cv::Mat image(28, 28, CV_8UC1, const_cast<std::uint8_t*>(images.data.data() + i * 28 * 28));
    s.images.push_back(image.clone());
    s.labels.push_back(labels.data[i]);
  }
  return s;
}

// sample_00000.png, sample_00001.png, ... (sorting by name keeps the order).
inline void write_image_folder(const FashionSamples& s, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (std::size_t i = 0; i < s.images.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "sample_%05zu.png", i);
    cv::imwrite((dir / name).string(), s.images[i]);
  }
}

// An MJPEG .avi, each image enlarged `scale` times (nearest neighbour, so
// resizing back by area averaging restores it up to JPEG loss).
inline void write_video(const FashionSamples& s, const std::filesystem::path& path, int scale = 4) {
  cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                         cv::Size(28 * scale, 28 * scale));
  cv::Mat big, bgr;
  for (const cv::Mat& image : s.images) {
    cv::resize(image, big, {}, scale, scale, cv::INTER_NEAREST);
    cv::cvtColor(big, bgr, cv::COLOR_GRAY2BGR);
    writer.write(bgr);
  }
}
