#include "scenarios/model_training.h"

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"

namespace kenning {

void run_training(Pipeline& p, Measurements& m) {
  if (!p.dataset->has_ground_truth()) {
    throw ConfigError("dataset " + p.dataset->type_name() + " has no ground truth to train " +
                      p.model_wrapper->type_name() + " on");
  }
  p.dataset->prepare();
  spdlog::info("training {} on {} ({} train / {} validation samples)", p.model_wrapper->type_name(),
               p.dataset->type_name(), p.dataset->size(Split::Train), p.dataset->size(Split::Validation));
  const std::vector<EpochStats> history = p.model_wrapper->train(*p.dataset);
  for (const auto& e : history) {
    m.append(keys::training_epoch, e.epoch);
    m.append(keys::training_train_loss, e.train_loss);
    m.append(keys::training_train_accuracy, e.train_accuracy);
    m.append(keys::training_val_loss, e.val_loss);
    m.append(keys::training_val_accuracy, e.val_accuracy);
    m.append(keys::training_epoch_time, e.seconds);
  }
  m.set(keys::trained_model_path, p.model_wrapper->model_path().string());
}

}  // namespace kenning
