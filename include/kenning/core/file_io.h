// File writing shared by everything that saves a result: measurements,
// models, reports.
#pragma once

#include <filesystem>
#include <string>

namespace kenning {

// Writes `text` to `path` so that readers see the old contents or the
// complete new ones, never a partial file:
// - a regular file, or a new path, is written through a temporary file in
//   the same folder and renamed into place;
// - a symlink is followed: its target is replaced the same way, and the link
//   stays a link (a dangling link gets its target created);
// - a character device or a FIFO (/dev/stdout, a named pipe) is written
//   through, never replaced;
// - anything else (a folder, a socket, a block device) is refused.
// Throws IoError naming the path and what is wrong.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// Checks, before a long run, that write_file_atomically(path) will work:
// the folder exists and a file can really be created in it (a probe file is
// made and removed, so /proc or a read-only mount is caught), or `path` is a
// writable character device or FIFO. Throws IoError "<what> <path>: ...".
void check_writable_output(const std::filesystem::path& path, const std::string& what);

}  // namespace kenning
