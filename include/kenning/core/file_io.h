// File writing shared by everything that saves a result: measurements,
// models, reports.
#pragma once

#include <filesystem>
#include <string>

namespace kenning {

// Writes `text` to `path` through a temporary file in the same folder and a
// rename, so readers see the old file or the complete new one. Throws IoError
// naming the path when the folder is missing or not writable.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace kenning
