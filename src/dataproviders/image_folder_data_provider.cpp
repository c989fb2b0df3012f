#include "dataproviders/image_folder_data_provider.h"

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "dataproviders/frame_conversion.h"
#include "kenning/core/error.h"
#include "kenning/core/frame.h"

namespace kenning {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

ImageFolderDataProvider::ImageFolderDataProvider(const Params& params) : params_(params) {
  schema().check(params_);
  if (params_.extensions.empty()) {
    throw ConfigError("ImageFolderDataProvider: parameter 'extensions': expected at least one extension");
  }
  for (auto& e : params_.extensions) {
    e = lower(e);
    if (!e.empty() && e.front() != '.') e.insert(e.begin(), '.');
  }
}

void ImageFolderDataProvider::prepare() {
  namespace fs = std::filesystem;
  const fs::path& dir = params_.directory;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw IoError("ImageFolderDataProvider: directory '" + dir.string() + "' does not exist or is not a folder");
  }
  files_.clear();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = lower(entry.path().extension().string());
    if (std::find(params_.extensions.begin(), params_.extensions.end(), ext) != params_.extensions.end()) {
      files_.push_back(entry.path());
    }
  }
  if (ec) throw IoError("ImageFolderDataProvider: cannot list '" + dir.string() + "': " + ec.message());
  if (files_.empty()) {
    std::string exts;
    for (const auto& e : params_.extensions) exts += (exts.empty() ? "" : ", ") + e;
    throw IoError("ImageFolderDataProvider: directory '" + dir.string() + "' holds no image (" + exts + ")");
  }
  std::sort(files_.begin(), files_.end());
  next_ = 0;
  read_this_pass_ = 0;
  unreadable_.clear();
}

std::optional<std::vector<Tensor>> ImageFolderDataProvider::fetch_input() {
  while (true) {
    if (next_ == files_.size()) {
      if (!params_.loop) return std::nullopt;
      // A pass without a single readable image would loop forever.
      if (read_this_pass_ == 0) {
        throw IoError("ImageFolderDataProvider: none of the " + std::to_string(files_.size()) + " images in '" +
                      params_.directory.string() + "' could be read");
      }
      next_ = 0;
      read_this_pass_ = 0;
    }
    const std::size_t index = next_++;
    if (unreadable_.count(index) != 0) continue;
    const cv::Mat image = cv::imread(files_[index].string(), cv::IMREAD_COLOR);
    if (image.empty()) {
      spdlog::warn("ImageFolderDataProvider: skipping '{}': not a readable image", files_[index].string());
      unreadable_.insert(index);
      continue;
    }
    ++read_this_pass_;
    std::vector<Tensor> out;
    out.push_back(frame_from_mat(image));
    return out;
  }
}

std::vector<TensorSpec> ImageFolderDataProvider::output_spec() const { return {frame_spec()}; }

}  // namespace kenning
