#include "scenarios/test_mode.h"

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "kenning/core/error.h"

namespace kenning {

TestMode parse_test_mode(const std::string& name) {
  if (name == "accuracy") return TestMode::Accuracy;
  if (name == "single-stream") return TestMode::SingleStream;
  if (name == "offline") return TestMode::Offline;
  throw ConfigError("--test-mode: unknown mode '" + name + "', expected accuracy, single-stream or offline");
}

std::string test_mode_name(TestMode mode) {
  switch (mode) {
    case TestMode::Accuracy:
      return "accuracy";
    case TestMode::SingleStream:
      return "single-stream";
    case TestMode::Offline:
      return "offline";
  }
  return "accuracy";
}

void check_load_settings(const LoadSettings& settings) {
  if (!std::isfinite(settings.min_duration_s) || settings.min_duration_s < 0) {
    throw ConfigError(fmt::format("--min-duration: {} is not a number of seconds >= 0", settings.min_duration_s));
  }
  if (settings.min_query_count == 0) {
    throw ConfigError("--min-query-count: 0 issues nothing, expected at least 1");
  }
  if (settings.offline_batch_size > 0 && settings.mode != TestMode::Offline) {
    throw ConfigError("--offline-batch-size: applies to --test-mode offline only, the mode is " +
                      test_mode_name(settings.mode));
  }
}

SampleSchedule::SampleSchedule(std::size_t samples, std::size_t query_size, bool shuffle, std::uint64_t seed) {
  if (query_size == 0) throw ConfigError("query size must be at least 1");
  for (std::size_t begin = 0; begin < samples; begin += query_size) {
    order_.push_back({begin, std::min(query_size, samples - begin)});
  }
  if (shuffle) {
    // Fisher-Yates with mt19937_64 written out: std::shuffle's use of the
    // engine is up to the library, and the order must not change with it.
    std::mt19937_64 rng(seed);
    for (std::size_t i = order_.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(rng() % i);
      std::swap(order_[i - 1], order_[j]);
    }
  }
}

Query SampleSchedule::next() {
  if (order_.empty()) throw ConfigError("the test split has no samples to issue");
  const Query q = order_[queries_issued_ % order_.size()];
  ++queries_issued_;
  samples_issued_ += q.count;
  return q;
}

bool minimums_met(const LoadSettings& settings, std::size_t samples_issued, double elapsed_s) {
  return samples_issued >= settings.min_query_count && elapsed_s >= settings.min_duration_s;
}

}  // namespace kenning
