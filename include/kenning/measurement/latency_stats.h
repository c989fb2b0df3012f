// Latency statistics that hold up, in the way of MLPerf LoadGen: tail
// percentiles only when there are enough samples to trust them, the
// coefficient of variation, the first (cold) inference apart from the steady
// state, and a VALID/INVALID verdict with its reasons.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenning {

// Samples needed before percentile `p` (e.g. 99.0) is reported: the
// smallest n with (p/100)^n <= 0.0013, i.e. with 99.87 % confidence at least
// one sample lies above the true percentile, so the estimate is not just the
// sample maximum. 64 for p90, 130 for p95, 662 for p99, 6643 for p99.9.
std::size_t min_samples_for_percentile(double p);

struct VerdictRules {
  double min_duration_s = 1.0;     // summed inference time of the run
  std::size_t min_count = 64;      // timed inferences
  double max_median_drift = 0.05;  // steady-state halves' medians may differ by this fraction
  double cv_warning = 0.01;        // coefficient of variation above this gets a warning
  // Offline runs time whole batches: min_count then counts samples issued
  // (passed to latency_statistics), not timed inferences.
  bool count_samples = false;
};

// From the per-inference times in seconds (in run order):
//   first_inference_time, steady_state {count, mean, median, std, min, max, cv},
//   percentiles {"p50": s | null, ...}, percentiles_insufficient [reasons],
//   warnings [...], verdict {result: "VALID"|"INVALID", reasons [...], rules {...}}.
// The first inference is the cold one (caches, lazy initialisation); the
// steady state is everything after it.
// `samples`: samples issued, checked against min_count when
// rules.count_samples is set.
nlohmann::json latency_statistics(const std::vector<double>& steps, const VerdictRules& rules = {},
                                  std::size_t samples = 0);

}  // namespace kenning
