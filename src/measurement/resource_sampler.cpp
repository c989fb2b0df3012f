// Background sampler of per-core CPU use and memory use, read from /proc.
//
// CPU use is the share of non-idle jiffies between two consecutive readings of
// /proc/stat. The first sample has no earlier reading to difference against,
// so it reports the average since boot; every later sample covers exactly the
// time since the previous one (one period, or less for the sample at stop).
#include "measurement/resource_sampler.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

#include "measurement/nvml_gpu.h"
#include "kenning/measurement/keys.h"

namespace kenning {
namespace {

struct CpuTimes {
  std::uint64_t busy = 0;
  std::uint64_t total = 0;
};

// Cumulative jiffies of each core (the cpu0..cpuN lines, not the "cpu" sum).
std::vector<CpuTimes> read_cpu_times() {
  std::vector<CpuTimes> cores;
  std::ifstream in("/proc/stat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0) continue;
    if (line[3] < '0' || line[3] > '9') continue;  // the aggregate "cpu " line
    std::istringstream fields(line.substr(line.find(' ')));
    // user nice system idle iowait irq softirq steal; guest time is already
    // counted in user, so the guest columns are left out of the total.
    std::uint64_t v[8] = {};
    for (auto& x : v) fields >> x;
    const std::uint64_t idle = v[3] + v[4];
    const std::uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    cores.push_back({busy, busy + idle});
  }
  return cores;
}

// (MemTotal - MemAvailable) / MemTotal * 100, or a negative value when
// /proc/meminfo cannot be read.
double read_mem_percent() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t value = 0;
  std::string unit;
  std::uint64_t total = 0;
  std::uint64_t available = 0;
  bool have_total = false;
  bool have_available = false;
  while (in >> key >> value) {
    std::getline(in, unit);  // " kB"
    if (key == "MemTotal:") {
      total = value;
      have_total = true;
    } else if (key == "MemAvailable:") {
      available = value;
      have_available = true;
    }
    if (have_total && have_available) break;
  }
  if (!have_total || !have_available || total == 0) return -1.0;
  return 100.0 * static_cast<double>(total - std::min(available, total)) / static_cast<double>(total);
}

// Percentage of busy time of each core since `prev`; updates `prev`.
std::vector<double> cpu_percent_since(std::vector<CpuTimes>& prev, const std::vector<CpuTimes>& now) {
  std::vector<double> percent(now.size(), 0.0);
  for (std::size_t i = 0; i < now.size(); ++i) {
    // A core that came online since the last reading counts from boot.
    const CpuTimes before = i < prev.size() ? prev[i] : CpuTimes{};
    const std::uint64_t total = now[i].total - std::min(before.total, now[i].total);
    const std::uint64_t busy = now[i].busy - std::min(before.busy, now[i].busy);
    if (total > 0) percent[i] = std::clamp(100.0 * busy / total, 0.0, 100.0);
  }
  prev = now;
  return percent;
}

// Wakes sampler threads when one is stopped. It is shared by all samplers
// (the header holds no condition variable), so it must be the _any variant:
// each thread waits with its own mutex. Other samplers woken by a
// notify_all re-check their predicate and keep waiting.
std::condition_variable_any& stop_signal() {
  static std::condition_variable_any cv;
  return cv;
}

}  // namespace

ResourceSampler::ResourceSampler(std::chrono::milliseconds period)
    : period_(std::max(period, std::chrono::milliseconds(1))) {}

ResourceSampler::~ResourceSampler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
  }
  stop_signal().notify_all();
  if (thread_.joinable()) thread_.join();
}

void ResourceSampler::start() {
  if (running_ || thread_.joinable()) return;
  running_ = true;
  thread_ = std::thread([this] { loop(); });
}

void ResourceSampler::loop() {
  std::vector<CpuTimes> prev;  // empty: the first sample covers time since boot
  std::unique_ptr<NvmlGpu> gpu = NvmlGpu::open();
  auto take_sample = [&] {
    const std::vector<CpuTimes> now = read_cpu_times();
    const double mem = read_mem_percent();
    std::optional<GpuSample> g;
    if (gpu) g = gpu->sample();
    const double timestamp = unix_time_now();
    if (now.empty() || mem < 0.0) return;  // no /proc: nothing honest to record
    std::vector<double> cpus = cpu_percent_since(prev, now);
    std::lock_guard<std::mutex> lock(mutex_);
    cpus_.push_back(std::move(cpus));
    mem_.push_back(mem);
    timestamps_.push_back(timestamp);
    if (!gpu) return;
    if (!g) {
      // A series with holes would not line up with the timestamps: drop it.
      spdlog::warn("NVML stopped answering; the GPU series of this run is left out");
      gpu.reset();
      gpu_.clear();
      gpu_mem_.clear();
      return;
    }
    gpu_.push_back(g->utilization_percent);
    gpu_mem_.push_back(g->memory_percent);
  };

  take_sample();  // at start, so even a very short run has data
  std::unique_lock<std::mutex> lock(mutex_);
  while (running_) {
    // A timed wait rather than a sleep, so stop_into() returns promptly even
    // with a long period.
    stop_signal().wait_for(lock, period_, [this] { return !running_; });
    lock.unlock();
    take_sample();  // one per period, plus the final one at stop
    lock.lock();
  }
}

void ResourceSampler::stop_into(Measurements& m) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
  }
  stop_signal().notify_all();
  if (thread_.joinable()) thread_.join();

  std::lock_guard<std::mutex> lock(mutex_);
  for (MeasurementKey key : {keys::session_utilization_cpus_percent, keys::session_utilization_mem_percent,
                             keys::session_utilization_timestamp}) {
    if (!m.contains(key)) m.set(key, nlohmann::json::array());
  }
  for (std::size_t i = 0; i < timestamps_.size(); ++i) {
    m.append(keys::session_utilization_cpus_percent, cpus_[i]);
    m.append(keys::session_utilization_mem_percent, mem_[i]);
    m.append(keys::session_utilization_timestamp, timestamps_[i]);
  }
  if (!gpu_.empty() && gpu_.size() == timestamps_.size()) {
    for (MeasurementKey key :
         {keys::session_utilization_gpu_utilization, keys::session_utilization_gpu_mem_utilization}) {
      if (!m.contains(key)) m.set(key, nlohmann::json::array());
    }
    for (std::size_t i = 0; i < gpu_.size(); ++i) {
      m.append(keys::session_utilization_gpu_utilization, gpu_[i]);
      m.append(keys::session_utilization_gpu_mem_utilization, gpu_mem_[i]);
    }
  }
  // Handed over: a restarted sampler starts a fresh series.
  gpu_.clear();
  gpu_mem_.clear();
  cpus_.clear();
  mem_.clear();
  timestamps_.clear();
}

std::size_t ResourceSampler::sample_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return timestamps_.size();
}

}  // namespace kenning
