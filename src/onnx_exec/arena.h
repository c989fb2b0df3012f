// A buffer arena planned from tensor lifetimes, so steady-state inference
// takes no tensor memory from the heap.
//
// ATen kernels allocate their outputs through c10's CPU allocator. While an
// ArenaScope is active on a thread, that thread's allocations go through the
// Arena instead:
//   * recording run: allocations come from the heap; the arena logs each
//     one's size and when it was freed (an allocation counter is the clock);
//   * planning: blocks with overlapping lifetimes get disjoint offsets in one
//     buffer, largest first (greedy by size); blocks still alive when the run
//     ended (outputs, caches) stay on the heap;
//   * replay runs: the n-th allocation gets the n-th block's offset when its
//     size matches and no block sharing its bytes is still alive; anything
//     else falls back to the heap and has the next run re-record.
// Correctness never rests on the replay matching: every arena block is
// checked against live overlapping blocks before it is handed out.
// Allocations on other threads (ATen's intra-op workers) are untouched.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace kenning::onnx_exec {

struct ArenaStats {
  std::uint64_t runs = 0;
  std::uint64_t replayed_runs = 0;  // served wholly from the plan
  std::uint64_t recordings = 0;     // plans made
  std::size_t arena_bytes = 0;      // size of the current plan's buffer
  std::size_t planned_blocks = 0;   // blocks served from the arena per run
  std::size_t heap_blocks = 0;      // blocks left on the heap (escaping)
  std::size_t recorded_bytes = 0;   // sum of block sizes in the recording
  bool disabled = false;            // gave up after repeated mismatches
};

class Arena {
 public:
  Arena();
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  ArenaStats stats() const;

  struct Plan;     // implementation detail (arena.cpp)
  struct Session;  // one run's state (arena.cpp)

 private:
  friend class ArenaScope;
  mutable std::mutex mutex_;  // one run at a time uses the arena
  std::vector<std::int64_t> key_;
  Plan* plan_ = nullptr;  // holds one reference; live arena blocks hold one each
  int warmups_left_ = 1;
  int consecutive_misses_ = 0;
  ArenaStats stats_;
};

// Routes this thread's CPU allocations through `arena` until destroyed.
// When the arena is busy on another thread, the run simply uses the heap.
class ArenaScope {
 public:
  // `key` is what the plan depends on (the input shapes): a new key makes
  // the arena warm up and record again.
  ArenaScope(Arena& arena, std::vector<std::int64_t> key);
  ~ArenaScope();
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;

 private:
  Arena& arena_;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<Arena::Session> session_;
};

}  // namespace kenning::onnx_exec
