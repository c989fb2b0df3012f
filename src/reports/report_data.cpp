#include "reports/report_data.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

#include "kenning/measurement/detection_metrics.h"
#include "kenning/measurement/latency_stats.h"
#include "kenning/measurement/measurements.h"

namespace kenning {

using nlohmann::json;

std::optional<double> number_of(const json& d, const std::string& key) {
  if (!d.contains(key) || !d[key].is_number()) return std::nullopt;
  return d[key].get<double>();
}

std::optional<std::vector<double>> numbers_of(const json& d, const std::string& key, std::string& why) {
  if (!d.contains(key)) {
    why = key + " not in this run";
    return std::nullopt;
  }
  const json& s = d[key];
  if (!s.is_array() || !std::all_of(s.begin(), s.end(), [](const json& x) { return x.is_number(); })) {
    why = "malformed: " + key + " is not a list of numbers";
    return std::nullopt;
  }
  return s.get<std::vector<double>>();
}

std::string inference_steps_key(const json& d) {
  if (d.contains(keys::target_inference_step)) return std::string(keys::target_inference_step);
  if (d.contains(keys::protocol_inference_step)) return std::string(keys::protocol_inference_step);
  return "";
}

std::optional<std::vector<double>> steps_of(const json& d, std::string& why) {
  const std::string key = inference_steps_key(d);
  if (key.empty()) {
    why = "no timed inferences in this run";
    return std::nullopt;
  }
  auto steps = numbers_of(d, key, why);
  if (steps && steps->empty()) {
    why = key + " is empty";
    return std::nullopt;
  }
  return steps;
}

namespace {

// The rules the run was judged by (a test mode's minimums, recorded with its
// verdict), else the defaults: a report agrees with the run's own verdict.
VerdictRules recorded_rules(const json& d) {
  VerdictRules rules;
  const json* stats = d.contains(keys::inference_statistics) ? &d[keys::inference_statistics] : nullptr;
  if (!stats || !stats->contains("verdict") || !(*stats)["verdict"].contains("rules")) return rules;
  const json& r = (*stats)["verdict"]["rules"];
  if (!r.is_object()) return rules;
  rules.min_duration_s = r.value("min_duration_s", rules.min_duration_s);
  rules.min_count = r.value("min_count", rules.min_count);
  rules.max_median_drift = r.value("max_median_drift", rules.max_median_drift);
  rules.count_samples = r.value("count_unit", std::string()) == "samples";
  return rules;
}

}  // namespace

std::optional<json> stats_of(const json& d, std::string& why) {
  const auto steps = steps_of(d, why);
  if (!steps) return std::nullopt;
  const std::size_t samples = d.contains(keys::test_samples) && d[keys::test_samples].is_number_integer() &&
                                      d[keys::test_samples].get<std::int64_t>() > 0
                                  ? d[keys::test_samples].get<std::size_t>()
                                  : 0;
  return latency_statistics(*steps, recorded_rules(d), samples);
}

std::optional<ConfusionMatrix> matrix_of(const json& d, std::string& why) {
  if (!d.contains(keys::eval_confusion_matrix)) {
    why = "no confusion matrix in this run";
    return std::nullopt;
  }
  try {
    auto m = d[keys::eval_confusion_matrix].get<ConfusionMatrix>();
    for (const auto& row : m) {
      if (row.size() != m.size()) throw std::runtime_error("not square");
    }
    if (m.empty()) throw std::runtime_error("empty");
    return m;
  } catch (const std::exception& e) {
    why = std::string("malformed eval_confusion_matrix: ") + e.what();
    return std::nullopt;
  }
}

std::vector<std::string> class_names_of(const json& d, std::size_t n) {
  std::vector<std::string> names;
  if (d.contains(keys::class_names) && d[keys::class_names].is_array()) {
    for (const auto& c : d[keys::class_names]) names.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  }
  if (names.size() != n) {
    names.clear();
    for (std::size_t i = 0; i < n; ++i) names.push_back(std::to_string(i));
  }
  return names;
}

namespace {

constexpr std::string_view kDetPrefix = "eval_det/", kGtPrefix = "eval_gtcount/";

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Classes in the run's class_names order; those not listed follow by name.
void order_classes(const json& d, std::vector<ClassDetection>& classes) {
  std::vector<std::string> names;
  if (d.contains(keys::class_names) && d[keys::class_names].is_array()) {
    for (const auto& c : d[keys::class_names]) names.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  }
  auto rank = [&](const ClassDetection& c) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), c.name) - names.begin());
  };
  std::stable_sort(classes.begin(), classes.end(),
                   [&](const ClassDetection& a, const ClassDetection& b) { return rank(a) < rank(b); });
}

}  // namespace

std::optional<DetectionSummary> detection_of(const json& d, std::string& why) {
  json raw = json::object();
  for (const auto& [key, value] : d.items()) {
    if (starts_with(key, kDetPrefix) || starts_with(key, kGtPrefix)) raw[key] = value;
  }
  if (raw.empty()) {
    why = "no detection evaluation (eval_gtcount/<class>) in this run";
    return std::nullopt;
  }
  DetectionSummary out;
  try {
    json derived = raw;
    compute_detection_metrics(derived);
    if (!derived.contains(keys::eval_map_50)) throw std::runtime_error("no eval_gtcount/<class> with a count");
    out.map50 = derived[keys::eval_map_50].get<double>();
    out.map50_95 = derived[keys::eval_map_50_95].get<double>();
    out.thresholds = derived[keys::eval_map_per_iou]["thresholds"].get<std::vector<double>>();
    out.map_per_threshold = derived[keys::eval_map_per_iou]["map"].get<std::vector<double>>();
    out.tp_iou = derived[keys::eval_tp_iou].get<std::vector<double>>();
    for (const auto& [key, value] : raw.items()) {
      if (!starts_with(key, kGtPrefix)) continue;
      ClassDetection c;
      c.name = key.substr(kGtPrefix.size());
      c.ground_truth = value.get<std::size_t>();
      const std::string det_key = std::string(kDetPrefix) + c.name;
      if (raw.contains(det_key)) {
        c.predictions = raw[det_key].size();
        for (const auto& p : raw[det_key]) c.true_positives += p.at(1).get<double>() > 0.5 ? 1 : 0;
      }
      const json& curve = derived[std::string(keys::eval_pr_curve) + c.name];
      c.recall = curve["recall"].get<std::vector<double>>();
      c.precision = curve["precision"].get<std::vector<double>>();
      c.ap50 = derived.value(std::string(keys::eval_ap50) + c.name, 0.0);
      c.ap50_95 = derived.value(std::string(keys::eval_ap50_95) + c.name, 0.0);
      out.classes.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    why = std::string("malformed detection evaluation (eval_det/<class>, eval_gtcount/<class>): ") + e.what();
    return std::nullopt;
  }
  order_classes(d, out.classes);
  if (d.contains(keys::eval_skipped_images) && d[keys::eval_skipped_images].is_number_integer() &&
      d[keys::eval_skipped_images].get<std::int64_t>() >= 0) {
    out.skipped_images = d[keys::eval_skipped_images].get<std::size_t>();
  }
  return out;
}

namespace {

// Timestamps for `key` (from `<key>_timestamp`, or the sampler's shared
// session_utilization_timestamp), when they match the values one to one.
std::optional<std::vector<double>> timestamps_for(const json& d, const std::string& ts_key, std::size_t n) {
  std::string why;
  auto ts = numbers_of(d, ts_key, why);
  if (!ts || ts->size() != n) return std::nullopt;
  return ts;
}

// The run's time origin: the earliest timestamp it recorded.
double start_of(const json& d) {
  double t0 = INFINITY;
  for (const char* key :
       {"target_inference_step_timestamp", "protocol_inference_step_timestamp", "session_utilization_timestamp"}) {
    std::string why;
    if (auto ts = numbers_of(d, key, why); ts && !ts->empty())
      t0 = std::min(t0, *std::min_element(ts->begin(), ts->end()));
  }
  return std::isfinite(t0) ? t0 : 0.0;
}

TimeSeries make_series(const json& d, double t0, std::vector<double> values, const std::string& ts_key,
                       const std::string& label, const std::string& unit) {
  TimeSeries s{label, unit, {}, std::move(values), true};
  if (auto ts = timestamps_for(d, ts_key, s.values.size())) {
    for (double t : *ts) s.t.push_back(t - t0);
  } else {
    s.timed = false;
    s.t.resize(s.values.size());
    std::iota(s.t.begin(), s.t.end(), 0.0);
  }
  return s;
}

void add_series(const json& d, double t0, std::vector<TimeSeries>& out, const std::string& key,
                const std::string& ts_key, const std::string& label, const std::string& unit, double scale) {
  std::string why;
  auto v = numbers_of(d, key, why);
  if (!v || v->empty()) return;
  for (auto& x : *v) x *= scale;
  out.push_back(make_series(d, t0, std::move(*v), ts_key, label, unit));
}

}  // namespace

std::vector<std::vector<double>> cpu_per_core_of(const json& d) {
  std::vector<std::vector<double>> cores;
  if (!d.contains(keys::session_utilization_cpus_percent) || !d[keys::session_utilization_cpus_percent].is_array())
    return cores;
  const json& samples = d[keys::session_utilization_cpus_percent];
  for (const auto& sample : samples) {
    if (!sample.is_array() || (!cores.empty() && sample.size() != cores.size())) return {};
    if (cores.empty()) cores.resize(sample.size());
    for (std::size_t c = 0; c < sample.size(); ++c) {
      if (!sample[c].is_number()) return {};
      cores[c].push_back(sample[c].get<double>());
    }
  }
  return cores;
}

std::vector<TimeSeries> time_series_of(const json& d) {
  std::vector<TimeSeries> out;
  const double t0 = start_of(d);
  add_series(d, t0, out, "target_inference_step", "target_inference_step_timestamp", "inference time", "ms", 1e3);
  // A remote run: the host's round trip per batch and what the link adds.
  add_series(d, t0, out, "protocol_inference_step", "protocol_inference_step_timestamp", "round trip (host)", "ms",
             1e3);
  if (auto overhead = protocol_overhead_steps(d); !overhead.empty()) {
    for (auto& v : overhead) v *= 1e3;
    out.push_back(
        make_series(d, t0, std::move(overhead), "protocol_inference_step_timestamp", "protocol overhead", "ms"));
  }
  // CPU: the mean over cores of each sample (per-core lists, as upstream).
  const auto cores = cpu_per_core_of(d);
  if (!cores.empty() && !cores[0].empty()) {
    std::vector<double> mean(cores[0].size(), 0.0);
    for (const auto& c : cores) {
      for (std::size_t i = 0; i < c.size(); ++i) mean[i] += c[i] / static_cast<double>(cores.size());
    }
    out.push_back(make_series(d, t0, std::move(mean), "session_utilization_timestamp", "CPU (mean over cores)", "%"));
  }
  add_series(d, t0, out, "session_utilization_mem_percent", "session_utilization_timestamp", "memory", "%", 1.0);
  add_series(d, t0, out, "session_utilization_gpu_utilization", "session_utilization_timestamp", "GPU", "%", 1.0);
  add_series(d, t0, out, "session_utilization_gpu_mem_utilization", "session_utilization_timestamp", "GPU memory", "%",
             1.0);
  return out;
}

json series_summary(const std::vector<double>& all) {
  json s = {{"count", all.size()}};
  if (all.empty()) return s;
  s["first"] = all.front();
  // The first sample is the cold one (first inference; CPU use since boot).
  const std::vector<double> values(all.size() > 1 ? all.begin() + 1 : all.begin(), all.end());
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double var = 0;
  for (double v : values) var += (v - mean) * (v - mean);
  s["mean"] = mean;
  s["median"] = sorted[sorted.size() / 2];
  if (sorted.size() % 2 == 0) s["median"] = (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  s["std"] = std::sqrt(var / n);  // population std, as in latency_statistics
  s["min"] = sorted.front();
  s["max"] = sorted.back();
  for (double p : {90.0, 99.0}) {
    const std::string key = p == 90.0 ? "p90" : "p99";
    if (sorted.size() < min_samples_for_percentile(p)) {
      s[key] = nullptr;
      continue;
    }
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
    s[key] = sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
  }
  return s;
}

}  // namespace kenning
