// Test modes in the way of MLPerf LoadGen for `kenning test`: which samples
// are issued, in which order, and when a run may stop.
//   accuracy:      every test sample once, in order (quality metrics).
//   single-stream: one sample per query, back to back, in an order shuffled
//                  with a fixed seed and cycled; latency is the metric.
//   offline:       the test set as large contiguous batches, repeated;
//                  throughput (samples/s) is the metric.
// Both performance modes run until the minimum duration AND the minimum
// count are reached, as LoadGen does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kenning {

enum class TestMode { Accuracy, SingleStream, Offline };

// Throws ConfigError naming --test-mode and the accepted values.
TestMode parse_test_mode(const std::string& name);
std::string test_mode_name(TestMode mode);

struct LoadSettings {
  TestMode mode = TestMode::Accuracy;
  // LoadGen asks for 60 s; 1 s keeps CI-size runs short while still long
  // enough for the latency verdict's own 1 s floor.
  double min_duration_s = 1.0;
  // Samples issued (single-stream: one per query). 1024 clears the 662
  // samples p99 needs.
  std::size_t min_query_count = 1024;
  std::uint64_t seed = 0x4b454e4e;     // fixed, recorded: runs are repeatable
  std::size_t offline_batch_size = 0;  // 0: the dataset's inference batch size
};

// Throws ConfigError naming the flag (--min-duration, --min-query-count,
// --offline-batch-size outside offline) and what it expects.
void check_load_settings(const LoadSettings& settings);

// One query: `count` consecutive test samples from `begin`.
struct Query {
  std::size_t begin = 0;
  std::size_t count = 0;
};

// The queries of a run, cycling through the test set. A pass issues every
// sample exactly once; `next()` goes on past the end of a pass with the same
// order again, so repeated passes compare like with like.
class SampleSchedule {
 public:
  // `samples` test samples; each query holds `query_size` of them (the last
  // of a pass may hold fewer); `shuffle`: queries of a pass in an order
  // drawn from `seed` rather than in dataset order.
  SampleSchedule(std::size_t samples, std::size_t query_size, bool shuffle, std::uint64_t seed);

  Query next();
  std::size_t queries_per_pass() const { return order_.size(); }
  std::size_t queries_issued() const { return queries_issued_; }
  std::size_t samples_issued() const { return samples_issued_; }
  // Passes in which every sample has been issued.
  std::size_t complete_passes() const { return order_.empty() ? 0 : queries_issued_ / order_.size(); }
  // Whether the query just returned by next() belongs to the first pass.
  bool in_first_pass() const { return queries_issued_ <= order_.size(); }

 private:
  std::vector<Query> order_;
  std::size_t queries_issued_ = 0;
  std::size_t samples_issued_ = 0;
};

// LoadGen's stopping rule: both minimums met. `elapsed_s` is the run's timed
// inference so far, the same sum the VALID/INVALID verdict checks.
bool minimums_met(const LoadSettings& settings, std::size_t samples_issued, double elapsed_s);

}  // namespace kenning
