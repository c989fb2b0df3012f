// Measurements of one run, saved as upstream Kenning's measurements JSON:
// a flat object whose time series are appendable lists, each timed series
// `<key>` paired with `<key>_timestamp`. Writers name keys with the
// constants of keys.h, so a misspelt key does not compile; readers take any
// name, as the files they check may come from elsewhere.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kenning/measurement/keys.h"
#include "kenning/measurement/latency_stats.h"

namespace kenning {

class Measurements {
 public:
  void set(MeasurementKey key, nlohmann::json value) { data_[key] = std::move(value); }
  // Appends to the list `key`, creating it when absent.
  void append(MeasurementKey key, nlohmann::json value) { append_to(std::string(key), std::move(value)); }
  // Appends `value` to `key` and `timestamp` to `key + "_timestamp"`.
  void append_timed(MeasurementKey key, double value, double timestamp);
  // The per-class keys `<family><class_name>` (eval_det/cat, ...).
  void set(MeasurementKeyFamily family, const std::string& class_name, nlohmann::json value) {
    data_[std::string(family) + class_name] = std::move(value);
  }
  void append(MeasurementKeyFamily family, const std::string& class_name, nlohmann::json value) {
    append_to(std::string(family) + class_name, std::move(value));
  }
  // Copies every key of `object`: measurements another producer made (a
  // target's statistics, a training run), under the names it gave them.
  void merge(const nlohmann::json& object);

  bool contains(std::string_view key) const { return data_.contains(key); }
  const nlohmann::json& at(std::string_view key) const { return data_.at(key); }
  const nlohmann::json& data() const { return data_; }

  // Adds inferencetime_{mean,median,std,min,max} from target_inference_step,
  // the classification metrics from eval_confusion_matrix,
  // session_utilization_*_mean, the detection metrics, and for a remote run
  // protocol_overhead_step and protocol_overhead_median. `rules` judge inference_statistics (a test
  // mode's minimum duration and count).
  void compute_derived(const VerdictRules& rules = {});

  // Writes the JSON atomically: a partial file is never left under `path`.
  void save(const std::filesystem::path& path) const;

 private:
  void append_to(const std::string& key, nlohmann::json value);

  nlohmann::json data_ = nlohmann::json::object();
};

// What the host/target link costs per batch of a remote run: the host's
// round trip (protocol_inference_step) minus the target's own time
// (target_inference_step). Empty unless both are lists of numbers of one
// length.
std::vector<double> protocol_overhead_steps(const nlohmann::json& data);

// Seconds since the Unix epoch (wall clock), for *_timestamp lists.
double unix_time_now();

}  // namespace kenning
