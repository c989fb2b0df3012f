// ImageFolderDataProvider: the images of one folder as frames, in file-name
// order, optionally looping. Unreadable images are skipped with a warning and
// counted (skipped()).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/data_provider.h"

namespace kenning {

class ImageFolderDataProvider : public DataProvider {
 public:
  struct Params {
    std::filesystem::path directory;
    std::vector<std::string> extensions = {".png", ".jpg", ".jpeg", ".bmp"};
    bool loop = false;
  };
  static const ParamSchema<Params>& schema();
  explicit ImageFolderDataProvider(const Params& params);

  // Lists the folder; throws IoError when it is missing or holds no image
  // with one of the extensions.
  void prepare() override;
  std::optional<std::vector<Tensor>> fetch_input() override;
  std::vector<TensorSpec> output_spec() const override;
  void close() override {}
  std::size_t skipped() const override { return unreadable_.size(); }

  const std::vector<std::filesystem::path>& files() const { return files_; }

 private:
  Params params_;
  std::vector<std::filesystem::path> files_;
  std::size_t next_ = 0;
  std::size_t read_this_pass_ = 0;
  std::set<std::size_t> unreadable_;  // warned about once, skipped on later passes
};

}  // namespace kenning
