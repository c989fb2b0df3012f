// The training log files: JSON lines and CSV per epoch, started afresh by a
// new run, off for an empty folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kenning/core/error.h"
#include "nets/training_log.h"
#include "test_support.h"

namespace kenning {
namespace {

using testing::error_of;
using testing::TempDir;

namespace fs = std::filesystem;
using nlohmann::json;

TEST(TrainingLog, WritesJsonLinesAndCsvPerEpoch) {
  TempDir dir;
  const fs::path logdir = dir.path() / "logs" / "run1";  // created on demand
  TrainingLog log(logdir);
  ASSERT_TRUE(log.enabled());
  log.add({.epoch = 1, .train_loss = 0.9, .train_accuracy = 0.7, .val_loss = 0.6, .val_accuracy = 0.8, .seconds = 2.5});
  log.add(
      {.epoch = 2, .train_loss = 0.5, .train_accuracy = 0.85, .val_loss = 0.45, .val_accuracy = 0.86, .seconds = 2.0});

  std::ifstream jsonl(logdir / "training_log.jsonl");
  std::vector<json> lines;
  for (std::string line; std::getline(jsonl, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["epoch"], 1);
  EXPECT_DOUBLE_EQ(lines[1]["val_accuracy"].get<double>(), 0.86);
  EXPECT_DOUBLE_EQ(lines[1]["train_loss"].get<double>(), 0.5);

  std::ifstream csv(logdir / "training_log.csv");
  std::vector<std::string> rows;
  for (std::string line; std::getline(csv, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds");
  EXPECT_EQ(rows[2].rfind("2,0.500000,0.850000,0.450000,0.860000,", 0), 0u) << rows[2];

  // A new run starts both files afresh.
  TrainingLog again(logdir);
  again.add({.epoch = 1, .train_loss = 1, .train_accuracy = 0, .val_loss = 1, .val_accuracy = 0, .seconds = 1});
  std::ifstream jsonl2(logdir / "training_log.jsonl");
  int count = 0;
  for (std::string line; std::getline(jsonl2, line);) ++count;
  EXPECT_EQ(count, 1);
}

TEST(TrainingLog, EmptyLogdirWritesNothingAndAFileAsLogdirIsIoError) {
  TrainingLog off{fs::path()};
  EXPECT_FALSE(off.enabled());
  off.add({});
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  EXPECT_HAS(error_of<IoError>([&] { TrainingLog bad(dir.path() / "file"); }), "file");
}

}  // namespace
}  // namespace kenning
