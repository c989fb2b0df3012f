// .npy reading and writing: files as NumPy writes them, round trips, and every
// malformed-file path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kenning/core/error.h"
#include "kenning/core/npy.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;

// Header as NumPy 1.24 writes `np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))`.
std::string numpy_written_2x3_float() {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');  // NumPy pads to 64
  header += '\n';
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file += static_cast<char>(header.size());
  file += '\0';
  file += header;
  for (int i = 0; i < 6; ++i) {
    const float v = static_cast<float>(i);
    file.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  return file;
}

std::string error_of(const std::string& bytes) {
  try {
    parse_npy(bytes, "in.npy");
  } catch (const IoError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Npy, ReadsWhatNumPyWrites) {
  const Tensor t = parse_npy(numpy_written_2x3_float(), "a.npy");
  EXPECT_EQ(t.dtype(), DType::Float32);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_FLOAT_EQ(t.data<float>()[5], 5.0f);
}

TEST(Npy, WritesWhatNumPyWritesForTheSameArray) {
  const float values[] = {0, 1, 2, 3, 4, 5};
  const Tensor t = Tensor::from<float>({2, 3}, values);
  EXPECT_EQ(to_npy(t.view()), numpy_written_2x3_float());
}

TEST(Npy, RoundTripsEveryDTypeAndRank) {
  for (const DType dt : {DType::Float32, DType::Float16, DType::Int8, DType::UInt8, DType::Int32, DType::Int64}) {
    for (const Shape& shape : {Shape{}, Shape{5}, Shape{1, 28, 28}, Shape{0, 3}}) {
      Tensor t(dt, shape);
      for (std::size_t i = 0; i < t.nbytes(); ++i) t.bytes()[i] = static_cast<std::byte>(i * 7);
      const std::string bytes = to_npy(t.view());
      EXPECT_EQ((bytes.size() - t.nbytes()) % 64, 0u) << "data must start 64-byte aligned";
      const Tensor back = parse_npy(bytes, "x.npy");
      EXPECT_EQ(back.dtype(), dt);
      EXPECT_EQ(back.shape(), shape);
      EXPECT_TRUE(std::equal(back.bytes().begin(), back.bytes().end(), t.bytes().begin()));
    }
  }
  EXPECT_NE(to_npy(Tensor(DType::Int8, {5}).view()).find("'shape': (5,)"), std::string::npos);
}

TEST(Npy, SaveAndLoadFile) {
  const fs::path path = fs::temp_directory_path() / "kenning_test_npy_roundtrip.npy";
  const std::int64_t values[] = {-1, 2, 1LL << 40};
  save_npy(Tensor::from<std::int64_t>({3}, values).view(), path);
  const Tensor back = load_npy(path);
  EXPECT_EQ(back.data<std::int64_t>()[2], 1LL << 40);
  fs::remove(path);
}

TEST(Npy, MalformedFilesAreIoErrorsNamingTheFileAndTheProblem) {
  const std::string good = numpy_written_2x3_float();
  EXPECT_NE(error_of("").find("in.npy: not a readable .npy file: missing the"), std::string::npos);
  EXPECT_NE(error_of("PK\x03\x04 not numpy at all").find("magic"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, good.size() - 1)).find("needs 24 data bytes, the file has 23"), std::string::npos);
  EXPECT_NE(error_of(good + "x").find("the file has 25"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, 30)).find("truncated header"), std::string::npos);

  std::string v9 = good;
  v9[6] = 9;
  EXPECT_NE(error_of(v9).find("format version 9"), std::string::npos);

  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    s.replace(at, from.size(), to);
    return s;
  };
  // Same-length replacements keep the header length valid.
  EXPECT_NE(error_of(with("'<f4'", "'>f4'")).find("dtype '>f4' is not supported"), std::string::npos);
  EXPECT_NE(error_of(with("'<f4'", "'<c8'")).find("dtype '<c8'"), std::string::npos);
  EXPECT_NE(error_of(with("False,", "True, ")).find("Fortran-ordered"), std::string::npos);
  EXPECT_NE(error_of(with("'shape'", "'shapf'")).find("no 'shape' key"), std::string::npos);
  EXPECT_NE(error_of(with("(2, 3)", "(2, x)")).find("non-integer"), std::string::npos);
  EXPECT_NE(error_of(with("(2, 3)", "(2,-3)")).find("'shape' holds a negative dimension: (2,-3)"), std::string::npos)
      << error_of(with("(2, 3)", "(2,-3)"));
  // A shape far larger than the data is refused without allocating it.
  EXPECT_NE(
      error_of(with("(2, 3), }" + std::string(20, ' '), "(99999999999999,99999999999)}")).find("larger than the file"),
      std::string::npos);
}

TEST(Npy, MissingFileIsIoErrorNamingIt) {
  try {
    load_npy("/nonexistent/in.npy");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/in.npy"), std::string::npos);
  }
}

}  // namespace
}  // namespace kenning
