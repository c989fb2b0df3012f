// IDX reader: the real Debian Fashion-MNIST files, and corrupted files made
// here (raw and gzip) that must each fail with an IoError naming the file and
// the problem.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "datasets/idx_reader.h"
#include "kenning/core/error.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

const fs::path kFashionRoot = "/usr/share/datasets/fashion-mnist";

void put_u32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Header {0,0,8,rank} + dims, then `payload` bytes of data 0,1,2,...
Bytes idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims, std::size_t payload) {
  Bytes b;
  put_u32(b, magic);
  for (auto d : dims) put_u32(b, d);
  for (std::size_t i = 0; i < payload; ++i) b.push_back(static_cast<std::uint8_t>(i % 251));
  return b;
}

class IdxReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("kenning_idx_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_raw(const std::string& name, const Bytes& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  fs::path write_gz(const std::string& name, const Bytes& bytes) {
    const fs::path p = dir_ / name;
    gzFile f = gzopen(p.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    if (!bytes.empty()) gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return p;
  }

  // Runs read_idx expecting an IoError; returns its message after checking
  // that it starts with the file's path.
  std::string error_of(const fs::path& p, std::uint32_t rank) {
    try {
      read_idx(p, rank);
    } catch (const IoError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(p.string() + ": ", 0), 0u) << "message should start with the path: " << msg;
      return msg;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected IoError, got: " << e.what();
      return "";
    }
    ADD_FAILURE() << "expected IoError for " << p;
    return "";
  }

  fs::path dir_;
};

#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << (msg)

TEST_F(IdxReaderTest, ReadsRawAndGzipFilesAlike) {
  const Bytes bytes = idx_bytes(0x803, {2, 3, 4}, 24);
  for (const auto& p : {write_raw("a-idx3-ubyte", bytes), write_gz("a-idx3-ubyte.gz", bytes)}) {
    const IdxArray a = read_idx(p, 3);
    EXPECT_EQ(a.dims, (std::vector<std::uint32_t>{2, 3, 4}));
    ASSERT_EQ(a.data.size(), 24u);
    EXPECT_EQ(a.data[0], 0);
    EXPECT_EQ(a.data[23], 23);
  }
  const IdxArray labels = read_idx(write_raw("l-idx1-ubyte", idx_bytes(0x801, {5}, 5)), 1);
  EXPECT_EQ(labels.dims, (std::vector<std::uint32_t>{5}));
  EXPECT_EQ(labels.data, (Bytes{0, 1, 2, 3, 4}));
}

TEST_F(IdxReaderTest, ReadsDebianFashionMnist) {
  if (!fs::exists(kFashionRoot / "t10k-labels-idx1-ubyte.gz")) {
    GTEST_SKIP() << kFashionRoot << " not installed (Debian package dataset-fashion-mnist)";
  }
  const IdxArray images = read_idx(kFashionRoot / "train-images-idx3-ubyte.gz", 3);
  EXPECT_EQ(images.dims, (std::vector<std::uint32_t>{60000, 28, 28}));
  EXPECT_EQ(images.data.size(), 47040000u);
  const IdxArray labels = read_idx(kFashionRoot / "t10k-labels-idx1-ubyte.gz", 1);
  ASSERT_EQ(labels.dims, (std::vector<std::uint32_t>{10000}));
  EXPECT_EQ(labels.data[0], 9);  // first test image is an ankle boot
  std::vector<int> per_class(10, 0);
  for (auto l : labels.data) ++per_class.at(l);
  EXPECT_EQ(per_class, std::vector<int>(10, 1000));
}

TEST_F(IdxReaderTest, WrongMagicNamesBothNumbers) {
  // A labels file where images are expected.
  const auto p = write_gz("x-idx3-ubyte.gz", idx_bytes(0x801, {3}, 3));
  const auto msg = error_of(p, 3);
  EXPECT_HAS(msg, "wrong magic number");
  EXPECT_HAS(msg, "expected 0x00000803");
  EXPECT_HAS(msg, "found 0x00000801");
  // Not an IDX file at all (a zip header), read raw.
  const auto zip = error_of(write_raw("zip-idx1-ubyte", Bytes{'P', 'K', 3, 4, 0, 0, 0, 0}), 1);
  EXPECT_HAS(zip, "found 0x504b0304");
  // Right rank, wrong element type (0x0D = float).
  const auto f = error_of(write_raw("f-idx1-ubyte", idx_bytes(0xD01, {1}, 4)), 1);
  EXPECT_HAS(f, "found 0x00000d01");
}

TEST_F(IdxReaderTest, MissingEmptyAndDirectory) {
  EXPECT_HAS(error_of(dir_ / "nope.gz", 3), "file not found");
  EXPECT_HAS(error_of(write_raw("empty", {}), 3), "empty file");
  EXPECT_HAS(error_of(write_gz("empty.gz", {}), 3), "empty file");
  fs::create_directories(dir_ / "folder");
  EXPECT_HAS(error_of(dir_ / "folder", 3), "not a regular file");
}

TEST_F(IdxReaderTest, TruncatedHeader) {
  EXPECT_HAS(error_of(write_raw("m", Bytes{0, 0, 8}), 3),
             "truncated header: expected a 4-byte magic number, file has 3 bytes");
  // Magic fine, two of three dimensions.
  Bytes b;
  put_u32(b, 0x803);
  put_u32(b, 10);
  put_u32(b, 28);
  for (const auto& p : {write_raw("d", b), write_gz("d.gz", b)}) {
    const auto msg = error_of(p, 3);
    EXPECT_HAS(msg, "truncated header: expected 3 dimensions (12 bytes)");
    EXPECT_HAS(msg, "file has 8");
  }
}

TEST_F(IdxReaderTest, TruncatedDataReportsDeclaredAndFoundSizes) {
  const Bytes bytes = idx_bytes(0x803, {10, 28, 28}, 1000);
  for (const auto& p : {write_raw("t-idx3-ubyte", bytes), write_gz("t-idx3-ubyte.gz", bytes)}) {
    const auto msg = error_of(p, 3);
    EXPECT_HAS(msg, "truncated: header declares 10x28x28 = 7840 bytes of pixels, file has 1000");
  }
  const auto labels = error_of(write_raw("l", idx_bytes(0x801, {60000}, 59999)), 1);
  EXPECT_HAS(labels, "60000 = 60000 bytes of labels, file has 59999");
}

// A gzip file cut in the middle of its compressed stream.
TEST_F(IdxReaderTest, CutCompressedStream) {
  const Bytes bytes = idx_bytes(0x803, {100, 28, 28}, 78400);
  const auto full = write_gz("full.gz", bytes);
  std::ifstream in(full, std::ios::binary);
  Bytes compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(compressed.size(), 100u);
  compressed.resize(compressed.size() / 2);
  const auto msg = error_of(write_raw("cut.gz", compressed), 3);
  EXPECT_HAS(msg, "truncated: header declares 100x28x28 = 78400 bytes of pixels");
  EXPECT_HAS(msg, "compressed stream ends early");
}

// Flipped bytes inside the compressed stream: zlib's checks must surface as
// an IoError, never as silently wrong data.
TEST_F(IdxReaderTest, CorruptCompressedStream) {
  const Bytes bytes = idx_bytes(0x803, {100, 28, 28}, 78400);
  const auto full = write_gz("full.gz", bytes);
  std::ifstream in(full, std::ios::binary);
  Bytes compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The last 8 bytes are the CRC and length: damage the CRC.
  compressed[compressed.size() - 6] ^= 0xFF;
  const auto msg = error_of(write_raw("bad.gz", compressed), 3);
  EXPECT_HAS(msg, "corrupt or unreadable data");
}

TEST_F(IdxReaderTest, TrailingBytesAreRejected) {
  Bytes bytes = idx_bytes(0x801, {4}, 4);
  bytes.insert(bytes.end(), {1, 2, 3, 4, 5});
  for (const auto& p : {write_raw("x", bytes), write_gz("x.gz", bytes)}) {
    const auto msg = error_of(p, 1);
    EXPECT_HAS(msg, "trailing bytes: header declares 4 = 4 bytes of labels, file has 5 more");
  }
}

TEST_F(IdxReaderTest, AbsurdDeclaredSizesAreRefusedBeforeAllocating) {
  // 65536^3 would overflow nothing but is 2^48 bytes.
  const auto huge = error_of(write_raw("huge", idx_bytes(0x803, {65536, 65536, 65536}, 16)), 3);
  EXPECT_HAS(huge, "more than the 2147483648-byte limit");
  // 4 billion labels.
  const auto many = error_of(write_gz("many.gz", idx_bytes(0x801, {0xFFFFFFFFu}, 16)), 1);
  EXPECT_HAS(many, "4294967295");
  EXPECT_HAS(many, "limit");
  // Exactly at the limit is allowed by the header check but the short file
  // must be reported as truncated (without allocating 2 GiB first).
  const auto at_limit = error_of(write_gz("limit.gz", idx_bytes(0x803, {32768, 256, 256}, 100)), 3);
  EXPECT_HAS(at_limit, "32768x256x256 = 2147483648 bytes of pixels, file has 100");
}

}  // namespace
}  // namespace kenning
