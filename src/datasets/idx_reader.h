// Reader of IDX files (the MNIST / Fashion-MNIST container): a big-endian
// header {0, 0, type 0x08 = unsigned byte, rank} followed by `rank` u32
// dimensions and exactly prod(dims) bytes of data. Raw and gzip-compressed
// files are both accepted (zlib's gzread passes raw files through).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace kenning {

struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;  // row-major, prod(dims) bytes
};

// Largest payload accepted, so a corrupt header cannot make us allocate
// gigabytes; Fashion-MNIST's largest file holds 47 MB.
inline constexpr std::uint64_t kIdxMaxBytes = std::uint64_t{1} << 31;

// Reads an unsigned-byte IDX file of rank `rank` (3 for images, 1 for
// labels). Throws IoError starting with the path when the file is missing,
// unreadable, has the wrong magic, declares more than kIdxMaxBytes, is
// truncated or has bytes after the declared data. (Junk after the end of a
// gzip stream is skipped by zlib itself and cannot be seen here.)
IdxArray read_idx(const std::filesystem::path& path, std::uint32_t rank);

}  // namespace kenning
