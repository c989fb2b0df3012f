#include "kenning/measurement/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace kenning {
namespace {

constexpr double kTailProbability = 0.0013;
constexpr double kPercentiles[] = {50.0, 90.0, 95.0, 99.0, 99.9};

// Nearest-rank percentile of sorted values.
double percentile_of(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string percentile_key(double p) { return p == std::floor(p) ? fmt::format("p{:.0f}", p) : fmt::format("p{}", p); }

}  // namespace

std::size_t min_samples_for_percentile(double p) {
  return static_cast<std::size_t>(std::ceil(std::log(kTailProbability) / std::log(p / 100.0)));
}

nlohmann::json latency_statistics(const std::vector<double>& steps, const VerdictRules& rules, std::size_t samples) {
  nlohmann::json j = nlohmann::json::object();
  std::vector<std::string> invalid, warnings;
  if (steps.empty()) {
    j["verdict"] = {{"result", "INVALID"}, {"reasons", {"no timed inferences"}}};
    return j;
  }
  j["first_inference_time"] = steps.front();
  // A single inference is all there is; otherwise the cold one is left out.
  const std::vector<double> steady(steps.size() > 1 ? steps.begin() + 1 : steps.begin(), steps.end());
  std::vector<double> sorted = steady;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(steady.size());
  const double mean = std::accumulate(steady.begin(), steady.end(), 0.0) / n;
  double sq = 0;
  for (double x : steady) sq += (x - mean) * (x - mean);
  const double stddev = std::sqrt(sq / n);
  const double cv = mean > 0 ? stddev / mean : 0;
  j["steady_state"] = {
      {"count", steady.size()}, {"mean", mean}, {"median", median_of(steady)}, {"std", stddev}, {"min", sorted.front()},
      {"max", sorted.back()},   {"cv", cv}};

  nlohmann::json pct = nlohmann::json::object();
  std::vector<std::string> insufficient;
  for (double p : kPercentiles) {
    const std::size_t need = min_samples_for_percentile(p);
    if (steady.size() >= need) {
      pct[percentile_key(p)] = percentile_of(sorted, p);
    } else {
      pct[percentile_key(p)] = nullptr;
      insufficient.push_back(
          fmt::format("{} needs {} samples, the steady state has {}", percentile_key(p), need, steady.size()));
    }
  }
  j["percentiles"] = pct;
  j["percentiles_insufficient"] = insufficient;

  if (cv > rules.cv_warning) {
    warnings.push_back(
        fmt::format("coefficient of variation {:.1f} % is above {:.1f} %: latencies vary, "
                    "look at the percentiles rather than the mean",
                    cv * 100, rules.cv_warning * 100));
  }
  const double duration = std::accumulate(steps.begin(), steps.end(), 0.0);
  if (duration < rules.min_duration_s) {
    invalid.push_back(fmt::format("timed inferences add up to {:.3f} s, less than the minimum {:.3f} s", duration,
                                  rules.min_duration_s));
  }
  if (rules.count_samples && samples < rules.min_count) {
    invalid.push_back(fmt::format("{} samples issued, fewer than the minimum {}", samples, rules.min_count));
  } else if (!rules.count_samples && steps.size() < rules.min_count) {
    invalid.push_back(fmt::format("{} timed inferences, fewer than the minimum {}", steps.size(), rules.min_count));
  }
  // Stability: the steady state's two halves should agree (no thermal
  // throttling, no other load arriving mid-run).
  if (steady.size() >= 4) {
    const std::size_t half = steady.size() / 2;
    const double a = median_of({steady.begin(), steady.begin() + static_cast<std::ptrdiff_t>(half)});
    const double b = median_of({steady.begin() + static_cast<std::ptrdiff_t>(half), steady.end()});
    const double drift = a > 0 ? std::abs(b - a) / a : 0;
    j["steady_state"]["median_drift"] = drift;
    if (drift > rules.max_median_drift) {
      invalid.push_back(
          fmt::format("unstable: the median of the second half differs by {:.1f} % from the first "
                      "half's (at most {:.1f} %)",
                      drift * 100, rules.max_median_drift * 100));
    }
  }
  j["warnings"] = warnings;
  j["verdict"] = {{"result", invalid.empty() ? "VALID" : "INVALID"},
                  {"reasons", invalid},
                  {"rules",
                   {{"min_duration_s", rules.min_duration_s},
                    {"min_count", rules.min_count},
                    {"count_unit", rules.count_samples ? "samples" : "timed inferences"},
                    {"max_median_drift", rules.max_median_drift}}}};
  return j;
}

}  // namespace kenning
