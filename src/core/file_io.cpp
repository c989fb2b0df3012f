#include "kenning/core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>

#include "kenning/core/error.h"

namespace kenning {
namespace fs = std::filesystem;

namespace {

// Symlinks followed at most, as the kernel's own limit (ELOOP).
constexpr int kMaxLinkHops = 40;

std::string errno_text() { return std::strerror(errno); }

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

bool is_stream(mode_t mode) { return S_ISCHR(mode) || S_ISFIFO(mode); }

// Where writing `path` lands: `path` itself, or the end of its symlink chain
// (which need not exist yet).
fs::path resolve_links(const fs::path& path) {
  fs::path p = path;
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::error_code ec;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) throw IoError(path.string() + ": cannot read the link " + p.string() + ": " + ec.message());
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  throw IoError(path.string() + ": too many levels of symbolic links");
}

fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

// A new file in `folder` with a unique name, created exclusively and never
// through a link; returns its descriptor and sets `name`.
int create_temporary(const fs::path& folder, const std::string& stem, fs::path& name) {
  std::random_device rd;
  for (int attempt = 0; attempt < 16; ++attempt) {
    name = folder / (stem + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

bool write_all(int fd, const std::string& text) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

void write_through(const fs::path& shown, const fs::path& target, const std::string& text) {
  const int fd = ::open(target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw IoError(shown.string() + ": cannot open for writing: " + errno_text());
  const bool ok = write_all(fd, text);
  const std::string why = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) throw IoError(shown.string() + ": write failed: " + why);
}

void replace_atomically(const fs::path& shown, const fs::path& target, const std::string& text) {
  const fs::path folder = folder_of(target);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw IoError(shown.string() + ": cannot write: folder '" + folder.string() + "' does not exist");
  }
  fs::path tmp;
  const int fd = create_temporary(folder, target.filename().string(), tmp);
  if (fd < 0) {
    throw IoError(shown.string() + ": cannot write: folder '" + folder.string() + "' is not writable (" + errno_text() +
                  ")");
  }
  const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  const std::string why = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) {
    fs::remove(tmp, ec);
    throw IoError(shown.string() + ": write failed (" + why + ")");
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const std::string rename_error = errno_text();
    fs::remove(tmp, ec);
    throw IoError(shown.string() + ": cannot replace file: " + rename_error);
  }
}

}  // namespace

void write_file_atomically(const fs::path& path, const std::string& text) {
  // stat() follows links, so /dev/stdout reports the pipe or terminal behind
  // it (a /proc "magic" link that has no path to resolve to).
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (is_stream(st.st_mode)) return write_through(path, path, text);
    if (!S_ISREG(st.st_mode)) {
      throw IoError(path.string() + ": is " + kind_of(st.st_mode) + ", expected a file path; refusing to replace it");
    }
  } else if (errno != ENOENT) {
    throw IoError(path.string() + ": cannot write: " + errno_text());
  }
  replace_atomically(path, resolve_links(path), text);
}

void check_writable_output(const fs::path& path, const std::string& what) {
  const std::string where = what + " " + path.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (is_stream(st.st_mode)) {
      if (::access(path.c_str(), W_OK) != 0) throw IoError(where + ": not writable: " + errno_text());
      return;
    }
    if (!S_ISREG(st.st_mode)) throw IoError(where + ": is " + kind_of(st.st_mode) + ", expected a file path");
  }
  const fs::path folder = folder_of(resolve_links(path));
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw IoError(where + ": folder '" + folder.string() + "' does not exist");
  }
  fs::path probe;
  const int fd = create_temporary(folder, ".kenning-write-check", probe);
  if (fd < 0) throw IoError(where + ": folder '" + folder.string() + "' is not writable (" + errno_text() + ")");
  ::close(fd);
  fs::remove(probe, ec);
}

}  // namespace kenning
