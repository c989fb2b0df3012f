// Per-epoch training log files under a log folder: training_log.jsonl (one
// JSON object per epoch, appended as epochs finish, so an interrupted run
// keeps its completed epochs) and training_log.csv (rewritten atomically
// after every epoch).
#pragma once

#include <filesystem>
#include <vector>

#include "kenning/model_wrapper.h"

namespace kenning {

class TrainingLog {
 public:
  // An empty `logdir` disables logging. Otherwise creates the folder and
  // starts both files afresh (a new run replaces an old run's log). Throws
  // IoError naming the folder or file when it cannot be written.
  explicit TrainingLog(std::filesystem::path logdir);

  void add(const EpochStats& stats);

  bool enabled() const { return !logdir_.empty(); }
  std::filesystem::path jsonl_path() const { return logdir_ / "training_log.jsonl"; }
  std::filesystem::path csv_path() const { return logdir_ / "training_log.csv"; }

 private:
  void write_csv() const;
  std::filesystem::path logdir_;
  std::vector<EpochStats> epochs_;
};

}  // namespace kenning
