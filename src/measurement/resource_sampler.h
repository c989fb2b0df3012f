// Samples CPU use per core and memory use from /proc, and NVIDIA GPU
// utilization and memory use through NVML when a GPU is present, on a
// background thread, into upstream Kenning's session_utilization_* lists.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "kenning/measurement/measurements.h"

namespace kenning {

class ResourceSampler {
 public:
  explicit ResourceSampler(std::chrono::milliseconds period = std::chrono::milliseconds(100));
  ~ResourceSampler();  // stops the thread
  void start();
  // Stops sampling and appends session_utilization_cpus_percent (a list per
  // sample, one value per core), session_utilization_mem_percent and
  // session_utilization_timestamp to `m`, and with a GPU
  // session_utilization_gpu_utilization and _gpu_mem_utilization (%).
  void stop_into(Measurements& m);
  std::size_t sample_count() const;

 private:
  void loop();
  std::chrono::milliseconds period_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::vector<double>> cpus_;
  std::vector<double> mem_;
  std::vector<double> timestamps_;
  std::vector<double> gpu_, gpu_mem_;  // empty without a GPU or after a failed read
};

}  // namespace kenning
