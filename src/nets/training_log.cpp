#include "nets/training_log.h"

#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "kenning/measurement/measurements.h"

namespace kenning {

TrainingLog::TrainingLog(std::filesystem::path logdir) : logdir_(std::move(logdir)) {
  if (!enabled()) return;
  std::error_code ec;
  std::filesystem::create_directories(logdir_, ec);
  if (ec || !std::filesystem::is_directory(logdir_)) {
    throw IoError(logdir_.string() + ": cannot create logdir: " + (ec ? ec.message() : std::string("not a folder")));
  }
  std::ofstream truncate(jsonl_path(), std::ios::trunc);
  if (!truncate) throw IoError(jsonl_path().string() + ": cannot write training log");
  write_csv();
}

void TrainingLog::add(const EpochStats& s) {
  if (!enabled()) return;
  epochs_.push_back(s);
  const nlohmann::json line = {{"epoch", s.epoch},
                               {"train_loss", s.train_loss},
                               {"train_accuracy", s.train_accuracy},
                               {"val_loss", s.val_loss},
                               {"val_accuracy", s.val_accuracy},
                               {"seconds", s.seconds},
                               {"timestamp", unix_time_now()}};
  std::ofstream out(jsonl_path(), std::ios::app);
  out << line.dump() << '\n';
  out.flush();
  if (!out) throw IoError(jsonl_path().string() + ": cannot append to training log");
  write_csv();
}

void TrainingLog::write_csv() const {
  std::string text = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n";
  for (const EpochStats& s : epochs_) {
    text += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{:.3f}\n", s.epoch, s.train_loss, s.train_accuracy, s.val_loss,
                        s.val_accuracy, s.seconds);
  }
  write_file_atomically(csv_path(), text);
}

}  // namespace kenning
