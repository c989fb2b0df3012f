#include "datasets/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>

#include "kenning/core/error.h"

namespace kenning {

namespace {

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

// Reads in bounded chunks so the buffer only grows as far as the data that
// really exists, whatever the header claims.
constexpr std::size_t kChunk = std::size_t{4} << 20;

class IdxFile {
 public:
  explicit IdxFile(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) fail("file not found");
    if (!std::filesystem::is_regular_file(status)) fail("not a regular file");
    handle_.reset(gzopen(path.c_str(), "rb"));
    if (!handle_) fail("cannot open for reading");
  }

  // Reads up to `n` bytes into `out`; returns how many arrived (fewer only
  // at the end of the data). Corrupt compressed data is an error.
  std::size_t read(std::uint8_t* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const auto want = static_cast<unsigned>(std::min(n - got, kChunk));
      const int r = gzread(handle_.get(), out + got, want);
      if (r < 0) {
        int errnum = 0;
        const char* msg = gzerror(handle_.get(), &errnum);
        fail(std::string("corrupt or unreadable data: ") + (msg ? msg : "unknown zlib error"));
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return got;
  }

  // True when the gzip stream ended before its end marker, i.e. the
  // compressed file itself is cut short.
  bool stream_cut_short() {
    int errnum = Z_OK;
    gzerror(handle_.get(), &errnum);
    return errnum == Z_BUF_ERROR;
  }

  [[noreturn]] void fail(const std::string& what) const { throw IoError(path_.string() + ": " + what); }

 private:
  std::filesystem::path path_;
  GzHandle handle_;
};

std::uint32_t big_endian_u32(const std::uint8_t* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string dims_to_string(const std::vector<std::uint32_t>& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(dims[i]);
  }
  return s;
}

const char* payload_name(std::uint32_t rank) { return rank == 3 ? "pixels" : rank == 1 ? "labels" : "data"; }

}  // namespace

IdxArray read_idx(const std::filesystem::path& path, std::uint32_t rank) {
  IdxFile file(path);
  const std::uint32_t expected_magic = 0x00000800u | rank;

  std::uint8_t magic_bytes[4];
  const std::size_t magic_got = file.read(magic_bytes, 4);
  if (magic_got == 0) file.fail("empty file: expected an IDX header (magic " + hex32(expected_magic) + ")");
  if (magic_got < 4) {
    file.fail("truncated header: expected a 4-byte magic number, file has " + std::to_string(magic_got) + " bytes");
  }
  const std::uint32_t magic = big_endian_u32(magic_bytes);
  if (magic != expected_magic) {
    file.fail("wrong magic number: expected " + hex32(expected_magic) + " (unsigned-byte IDX of rank " +
              std::to_string(rank) + "), found " + hex32(magic));
  }

  std::vector<std::uint8_t> dim_bytes(4 * std::size_t{rank});
  const std::size_t dims_got = file.read(dim_bytes.data(), dim_bytes.size());
  if (dims_got < dim_bytes.size()) {
    file.fail("truncated header: expected " + std::to_string(rank) + " dimensions (" +
              std::to_string(dim_bytes.size()) + " bytes) after the magic number, file has " +
              std::to_string(dims_got));
  }

  IdxArray out;
  std::uint64_t total = 1;
  for (std::uint32_t i = 0; i < rank; ++i) {
    out.dims.push_back(big_endian_u32(&dim_bytes[4 * i]));
    // Checked per factor so three 32-bit dimensions cannot overflow 64 bits.
    total *= out.dims.back();
    if (total > kIdxMaxBytes) {
      file.fail("header declares dimensions " + dims_to_string(out.dims) + (i + 1 < rank ? "..." : "") +
                ", more than the " + std::to_string(kIdxMaxBytes) + "-byte limit");
    }
  }

  const std::string declared =
      "header declares " + dims_to_string(out.dims) + " = " + std::to_string(total) + " bytes of " + payload_name(rank);
  std::size_t have = 0;
  while (have < total) {
    const std::size_t step = std::min<std::size_t>(total - have, kChunk);
    out.data.resize(have + step);
    const std::size_t got = file.read(out.data.data() + have, step);
    have += got;
    if (got < step) {
      out.data.resize(have);
      file.fail("truncated: " + declared + ", file has " + std::to_string(have) +
                (file.stream_cut_short() ? " (compressed stream ends early)" : ""));
    }
  }

  // Anything after the declared data means the header and the data disagree.
  std::uint8_t extra[4096];
  std::size_t trailing = 0;
  constexpr std::size_t kCountLimit = std::size_t{1} << 20;
  while (trailing <= kCountLimit) {
    const std::size_t got = file.read(extra, sizeof extra);
    if (got == 0) break;
    trailing += got;
  }
  if (trailing > 0) {
    file.fail("trailing bytes: " + declared + ", file has " +
              (trailing > kCountLimit ? "more than " + std::to_string(kCountLimit) : std::to_string(trailing)) +
              " more");
  }
  return out;
}

}  // namespace kenning
