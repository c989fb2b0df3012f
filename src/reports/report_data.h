// What a report reads from one run's measurements: each accessor returns
// nullopt, with the reason in `why`, when the data is absent or malformed,
// so every section and plot can say what is missing instead of failing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/measurement/metrics.h"

namespace kenning {

std::optional<double> number_of(const nlohmann::json& d, const std::string& key);

// A list of numbers under `key` (nullopt when absent; malformed names the key).
std::optional<std::vector<double>> numbers_of(const nlohmann::json& d, const std::string& key, std::string& why);

// Where a run's inference times are: target_inference_step, or for a remote
// run that lacks it (upstream's target does not time its runs) the host's
// round trip, protocol_inference_step; "" when neither is there.
std::string inference_steps_key(const nlohmann::json& d);

// Inference times in seconds, from inference_steps_key().
std::optional<std::vector<double>> steps_of(const nlohmann::json& d, std::string& why);

// latency_statistics() of the steps, recomputed so that files written before
// inference_statistics existed (or by upstream Kenning) get the same report.
std::optional<nlohmann::json> stats_of(const nlohmann::json& d, std::string& why);

// eval_confusion_matrix, checked to be square and non-empty.
std::optional<ConfusionMatrix> matrix_of(const nlohmann::json& d, std::string& why);

// class_names when there are `n` of them, else "0".."n-1".
std::vector<std::string> class_names_of(const nlohmann::json& d, std::size_t n);

// The detection quality of a run, derived from its raw eval_det/<class> and
// eval_gtcount/<class> lists by compute_detection_metrics (so files from
// upstream Kenning, which hold only the raw lists, get the same report).
struct ClassDetection {
  std::string name;
  std::size_t ground_truth = 0, predictions = 0, true_positives = 0;  // true positives at IoU 0.5
  double ap50 = 0, ap50_95 = 0;
  std::vector<double> recall, precision;  // after each prediction, by descending score, at IoU 0.5
};
struct DetectionSummary {
  double map50 = 0, map50_95 = 0;
  std::vector<double> thresholds, map_per_threshold;
  std::vector<double> tp_iou;           // IoU of each true positive at 0.5
  std::vector<ClassDetection> classes;  // in class_names order, then by name
  std::optional<std::size_t> skipped_images;
};
std::optional<DetectionSummary> detection_of(const nlohmann::json& d, std::string& why);

// One time series of a run, on seconds since the run's first timestamp.
struct TimeSeries {
  std::string label;           // "inference time", "CPU", ...
  std::string unit;            // "ms", "%"
  std::vector<double> t;       // seconds since the start of the run (or sample index when untimed)
  std::vector<double> values;  // in `unit`
  bool timed = true;           // false: no *_timestamp list, t is the sample index
};

// Inference time (ms), CPU (% averaged over cores), memory (%), and GPU and
// GPU memory (%) when the run recorded them; only the series present.
std::vector<TimeSeries> time_series_of(const nlohmann::json& d);

// Per-core CPU % (one vector per core), on the same time axis as CPU above.
std::vector<std::vector<double>> cpu_per_core_of(const nlohmann::json& d);

// count and first of a series, and mean/median/std/min/max and p90/p99 of
// the rest (the first sample is the cold one: the first inference, CPU use
// averaged since boot), percentiles null without enough samples, as for
// latencies.
nlohmann::json series_summary(const std::vector<double>& values);

}  // namespace kenning
