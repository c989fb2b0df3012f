#include "outputcollectors/partial_path.h"

#include "kenning/core/error.h"

namespace kenning {

void check_parent_folder(const std::filesystem::path& path, const char* what) {
  const auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec)) {
    throw IoError(std::string(what) + ": folder '" + parent.string() + "' of '" + path.string() + "' does not exist");
  }
}

}  // namespace kenning
