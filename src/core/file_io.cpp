#include "kenning/core/file_io.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <system_error>

#include "kenning/core/error.h"

namespace kenning {

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw IoError(path.string() + ": cannot write: folder '" + folder.string() + "' does not exist");
  }
  // Unique temporary name in the same folder, so the rename is atomic.
  std::random_device rd;
  const fs::path tmp = folder / (path.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                 "-" + std::to_string(rd()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(path.string() + ": cannot write: folder '" + folder.string() + "' is not writable");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      throw IoError(path.string() + ": write failed (disk full?)");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw IoError(path.string() + ": cannot replace file: " + ec.message());
  }
}

}  // namespace kenning
