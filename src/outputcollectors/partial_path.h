// Where a collector writes a file until it is complete: `out.avi` is
// written as `out.partial.avi` (the extension stays last, because OpenCV
// picks the container from it) and renamed when the flow finishes.
#pragma once

#include <filesystem>

namespace kenning {

inline std::filesystem::path partial_path(const std::filesystem::path& path) {
  return path.parent_path() / (path.stem().string() + ".partial" + path.extension().string());
}

// Throws IoError naming `what` when the folder of `path` does not exist.
void check_parent_folder(const std::filesystem::path& path, const char* what);

}  // namespace kenning
