// write_file_atomically and check_writable_output: regular files are
// replaced whole, links are followed and kept, character devices and FIFOs
// are written through, anything else is refused, and an output that cannot
// be written is caught before a run.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every entry of `dir`: a failed or finished write leaves no temporary file.
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST(WriteFileAtomically, CreatesAndReplacesARegularFile) {
  TempDir dir;
  const auto file = dir.path() / "m.json";
  write_file_atomically(file, "first");
  write_file_atomically(file, "second");
  EXPECT_EQ(read_text(file), "second");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, FollowsASymlinkAndKeepsIt) {
  TempDir dir;
  fs::create_directory(dir.path() / "real");
  const auto target = dir.path() / "real" / "m.json";
  write_file_atomically(target, "old");
  const auto link = dir.path() / "link.json";
  fs::create_symlink("real/m.json", link);
  write_file_atomically(link, "new");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read_text(target), "new");
  // A dangling link gets its target created.
  const auto dangling = dir.path() / "later.json";
  fs::create_symlink("real/later.json", dangling);
  write_file_atomically(dangling, "made");
  EXPECT_TRUE(fs::is_symlink(dangling));
  EXPECT_EQ(read_text(dir.path() / "real" / "later.json"), "made");
}

TEST(WriteFileAtomically, WritesThroughAFifoWithoutReplacingIt) {
  TempDir dir;
  const auto fifo = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto reader = std::async(std::launch::async, [&] { return read_text(fifo); });
  write_file_atomically(fifo, "through the pipe");
  EXPECT_EQ(reader.get(), "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, ThroughALinkToAFifoToo) {
  TempDir dir;
  const auto fifo = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto link = dir.path() / "out.json";
  fs::create_symlink(fifo, link);
  auto reader = std::async(std::launch::async, [&] { return read_text(fifo); });
  write_file_atomically(link, "via link");
  EXPECT_EQ(reader.get(), "via link");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST(WriteFileAtomically, RefusesAFolderAndAMissingFolderNamingThem) {
  TempDir dir;
  const auto folder = dir.path() / "sub";
  fs::create_directory(folder);
  EXPECT_HAS(error_of<IoError>([&] { write_file_atomically(folder, "x"); }), "is a folder");
  EXPECT_TRUE(fs::is_directory(folder));
  EXPECT_HAS(error_of<IoError>([&] { write_file_atomically(dir.path() / "no" / "m.json", "x"); }),
             "folder '" + (dir.path() / "no").string() + "' does not exist");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(CheckWritableOutput, CatchesWhatWouldFailAfterTheRun) {
  TempDir dir;
  EXPECT_NO_THROW(check_writable_output(dir.path() / "m.json", "--measurements"));
  EXPECT_FALSE(fs::exists(dir.path() / "m.json"));
  EXPECT_EQ(entries(dir.path()), 0u);  // the probe file is gone
  // /proc accepts no new files, whatever access(2) says for root.
  EXPECT_HAS(error_of<IoError>([] { check_writable_output("/proc/m.json", "--measurements"); }),
             "--measurements /proc/m.json: folder '/proc' is not writable");
  EXPECT_HAS(error_of<IoError>([&] { check_writable_output(dir.path() / "no" / "m.json", "--measurements"); }),
             "does not exist");
  EXPECT_HAS(error_of<IoError>([&] { check_writable_output(dir.path(), "--measurements"); }),
             "is a folder, expected a file path");
  EXPECT_NO_THROW(check_writable_output("/dev/null", "--measurements"));
}
