#include "kenning/measurement/measurements.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "kenning/measurement/detection_metrics.h"
#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "kenning/measurement/latency_stats.h"
#include "kenning/measurement/metrics.h"

namespace kenning {

namespace {

struct Summary {
  double mean = 0, median = 0, std = 0, min = 0, max = 0;
};

Summary summarize(std::vector<double> v) {
  Summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / n;
  s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  double sq = 0;
  for (double x : v) sq += (x - s.mean) * (x - s.mean);
  s.std = n > 1 ? std::sqrt(sq / n) : 0;  // population std, as numpy's default
  s.min = v.front();
  s.max = v.back();
  return s;
}

}  // namespace

std::vector<double> protocol_overhead_steps(const nlohmann::json& data) {
  const char* round_trip = "protocol_inference_step";
  const char* target = "target_inference_step";
  if (!data.contains(round_trip) || !data.contains(target) || !data[round_trip].is_array() ||
      !data[target].is_array() || data[round_trip].size() != data[target].size()) {
    return {};
  }
  std::vector<double> overhead;
  overhead.reserve(data[target].size());
  for (std::size_t i = 0; i < data[target].size(); ++i) {
    if (!data[round_trip][i].is_number() || !data[target][i].is_number()) return {};
    overhead.push_back(data[round_trip][i].get<double>() - data[target][i].get<double>());
  }
  return overhead;
}

void Measurements::append_to(const std::string& key, nlohmann::json value) {
  auto& list = data_[key];
  if (!list.is_array()) list = nlohmann::json::array();
  list.push_back(std::move(value));
}

void Measurements::append_timed(MeasurementKey key, double value, double timestamp) {
  append_to(std::string(key), value);
  append_to(std::string(key) + "_timestamp", timestamp);
}

void Measurements::merge(const nlohmann::json& object) {
  for (const auto& [key, value] : object.items()) data_[key] = value;
}

void Measurements::compute_derived(const VerdictRules& rules) {
  if (data_.contains(keys::target_inference_step)) {
    const auto s = summarize(data_[keys::target_inference_step].get<std::vector<double>>());
    data_[keys::inferencetime_mean] = s.mean;
    data_[keys::inferencetime_median] = s.median;
    data_[keys::inferencetime_std] = s.std;
    data_[keys::inferencetime_min] = s.min;
    data_[keys::inferencetime_max] = s.max;
    data_[keys::inference_statistics] =
        latency_statistics(data_[keys::target_inference_step].get<std::vector<double>>(), rules,
                           data_.value(keys::test_samples, std::size_t{0}));
    // Throughput of the inferences alone, and of the whole session with the
    // framework's own work (data loading, pre/postprocessing) included.
    if (data_.contains(keys::test_samples)) {
      const double samples = data_[keys::test_samples].get<double>();
      double busy = 0;
      for (const auto& t : data_[keys::target_inference_step]) busy += t.get<double>();
      if (busy > 0) data_[keys::throughput_inference_only] = samples / busy;
      if (busy > 0 && data_.contains(keys::flops_per_sample)) {
        const double gflops = data_[keys::flops_per_sample].get<double>() * samples / busy * 1e-9;
        data_[keys::achieved_gflops] = gflops;
        const auto& host = data_.contains(keys::host) ? data_[keys::host] : nlohmann::json::object();
        if (host.contains("peak_gflops_single_core") && host["peak_gflops_single_core"].get<double>() > 0) {
          data_[keys::fraction_of_single_core_peak] = gflops / host["peak_gflops_single_core"].get<double>();
        }
      }
      if (data_.contains(keys::session_time) && data_[keys::session_time].get<double>() > 0) {
        data_[keys::throughput_session] = samples / data_[keys::session_time].get<double>();
      }
    }
  }
  for (const char* key : {"session_utilization_mem_percent", "session_utilization_gpu_utilization",
                          "session_utilization_gpu_mem_utilization"}) {
    if (!data_.contains(key)) continue;
    const auto s = summarize(data_[key].get<std::vector<double>>());
    data_[std::string(key) + "_mean"] = s.mean;
    data_[std::string(key) + "_median"] = s.median;
    data_[std::string(key) + "_std"] = s.std;
  }
  if (data_.contains(keys::session_utilization_cpus_percent)) {
    std::vector<double> avg;  // mean over cores per sample
    for (const auto& sample : data_[keys::session_utilization_cpus_percent]) {
      double sum = 0;
      for (const auto& c : sample) sum += c.get<double>();
      avg.push_back(sample.empty() ? 0 : sum / sample.size());
    }
    const auto s = summarize(avg);
    data_[keys::session_utilization_cpus_percent_avg_mean] = s.mean;
    data_[keys::session_utilization_cpus_percent_avg_median] = s.median;
    data_[keys::session_utilization_cpus_percent_avg_std] = s.std;
  }
  if (data_.contains(keys::eval_confusion_matrix)) {
    const auto matrix = data_[keys::eval_confusion_matrix].get<ConfusionMatrix>();
    const auto top5 = data_.value(keys::top_5_count, std::int64_t{0});
    const auto m = compute_classification_metrics(matrix, top5);
    data_[keys::accuracy] = m.accuracy;
    data_[keys::top_5_accuracy] = m.top_5_accuracy;
    data_[keys::mean_precision] = m.mean_precision;
    data_[keys::mean_sensitivity] = m.mean_sensitivity;
    data_[keys::g_mean] = m.g_mean;
  }
  if (auto overhead = protocol_overhead_steps(data_); !overhead.empty()) {
    data_[keys::protocol_overhead_median] = summarize(overhead).median;
    data_[keys::protocol_overhead_step] = std::move(overhead);
  }
  compute_detection_metrics(data_);
}

void Measurements::save(const std::filesystem::path& path) const { write_file_atomically(path, data_.dump(2) + "\n"); }

double unix_time_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace kenning
