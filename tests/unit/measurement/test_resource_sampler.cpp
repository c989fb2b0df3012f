// ResourceSampler: samples appear in upstream Kenning's keys with one value
// per core, stay within [0, 100], and stopping does not wait out the period.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "kenning/measurement/measurements.h"
#include "measurement/resource_sampler.h"

namespace {

using namespace std::chrono_literals;

// cpuN lines of /proc/stat, counted independently of the sampler.
std::size_t cores_in_proc_stat() {
  std::ifstream in("/proc/stat");
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (line.size() > 3 && line.compare(0, 3, "cpu") == 0 && line[3] >= '0' && line[3] <= '9') ++n;
  }
  return n;
}

// Keeps one core busy so there is something to measure.
void spin_for(std::chrono::milliseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  volatile unsigned long x = 0;
  while (std::chrono::steady_clock::now() < end) x = x + 1;
}

TEST(ResourceSampler, RecordsPerCoreCpuMemoryAndTimestamps) {
  kenning::ResourceSampler sampler(20ms);
  const double before = kenning::unix_time_now();
  sampler.start();
  spin_for(150ms);
  kenning::Measurements m;
  sampler.stop_into(m);
  const double after = kenning::unix_time_now();

  const auto& cpus = m.at("session_utilization_cpus_percent");
  const auto& mem = m.at("session_utilization_mem_percent");
  const auto& ts = m.at("session_utilization_timestamp");
  // Start + stop at least, and a few periods in between.
  ASSERT_GE(cpus.size(), 3u);
  ASSERT_EQ(mem.size(), cpus.size());
  ASSERT_EQ(ts.size(), cpus.size());

  const std::size_t cores = cores_in_proc_stat();
  ASSERT_GT(cores, 0u);
  EXPECT_EQ(cores, std::thread::hardware_concurrency());
  double peak = 0.0;  // highest value after the first (since-boot) sample
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    ASSERT_EQ(cpus[i].size(), cores);
    for (const auto& v : cpus[i]) {
      EXPECT_GE(v.get<double>(), 0.0);
      EXPECT_LE(v.get<double>(), 100.0);
      if (i > 0) peak = std::max(peak, v.get<double>());
    }
  }
  EXPECT_GT(peak, 0.0) << "a spinning core never showed as busy";
  for (const auto& v : mem) {
    EXPECT_GT(v.get<double>(), 0.0);
    EXPECT_LE(v.get<double>(), 100.0);
  }
  for (std::size_t i = 0; i < ts.size(); ++i) {
    EXPECT_GE(ts[i].get<double>(), before - 1e-3);
    EXPECT_LE(ts[i].get<double>(), after + 1e-3);
    if (i > 0) {
      EXPECT_GE(ts[i].get<double>(), ts[i - 1].get<double>());
    }
  }
}

TEST(ResourceSampler, StopIsPromptWithALongPeriodAndShortRunsStillGetData) {
  kenning::ResourceSampler sampler(5000ms);
  sampler.start();
  std::this_thread::sleep_for(50ms);
  kenning::Measurements m;
  const auto t0 = std::chrono::steady_clock::now();
  sampler.stop_into(m);
  const auto stop_time = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(stop_time, 1s);
  // The sample at start and the one at stop.
  EXPECT_EQ(m.at("session_utilization_timestamp").size(), 2u);
}

TEST(ResourceSampler, AppendsToExistingListsAndCanBeRestarted) {
  kenning::ResourceSampler sampler(10ms);
  kenning::Measurements m;
  sampler.start();
  sampler.stop_into(m);
  const std::size_t first = m.at("session_utilization_timestamp").size();
  ASSERT_GE(first, 1u);
  EXPECT_EQ(sampler.sample_count(), 0u);  // handed over to m

  sampler.start();
  std::this_thread::sleep_for(30ms);
  sampler.stop_into(m);
  EXPECT_GT(m.at("session_utilization_timestamp").size(), first);
  EXPECT_EQ(m.at("session_utilization_cpus_percent").size(), m.at("session_utilization_timestamp").size());
}

TEST(ResourceSampler, DestructorStopsARunningSamplerPromptly) {
  const auto t0 = std::chrono::steady_clock::now();
  {
    kenning::ResourceSampler sampler(5000ms);
    sampler.start();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

// Sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(ResourceSampler, GpuSeriesComeFromNvmlWhenPresent) {
  ScopedEnv env("KENNING_NVML_LIBRARY", FAKE_NVML_PATH);
  kenning::ResourceSampler sampler(10ms);
  sampler.start();
  std::this_thread::sleep_for(50ms);
  kenning::Measurements m;
  sampler.stop_into(m);
  if (!KENNING_WITH_NVML) {
    EXPECT_FALSE(m.contains("session_utilization_gpu_utilization"));
    return;
  }
  const auto& gpu = m.at("session_utilization_gpu_utilization");
  const auto& gpu_mem = m.at("session_utilization_gpu_mem_utilization");
  ASSERT_EQ(gpu.size(), m.at("session_utilization_timestamp").size());
  ASSERT_EQ(gpu_mem.size(), gpu.size());
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    EXPECT_DOUBLE_EQ(gpu[i].get<double>(), 50.0);      // mean of 40 % and 60 %
    EXPECT_DOUBLE_EQ(gpu_mem[i].get<double>(), 50.0);  // (2 + 6) GiB of 16 GiB
  }
}

TEST(ResourceSampler, NoGpuKeysWithoutNvml) {
  ScopedEnv env("KENNING_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1");
  kenning::ResourceSampler sampler(10ms);
  sampler.start();
  std::this_thread::sleep_for(20ms);
  kenning::Measurements m;
  sampler.stop_into(m);
  EXPECT_GE(m.at("session_utilization_timestamp").size(), 2u);
  EXPECT_FALSE(m.contains("session_utilization_gpu_utilization"));
  EXPECT_FALSE(m.contains("session_utilization_gpu_mem_utilization"));
}

}  // namespace
