#include "onnx_exec/arena.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

namespace kenning::onnx_exec {

namespace {

constexpr std::size_t kAlignment = 64;  // as c10's default CPU allocator
// Each arena block starts with a header naming its block, so the deleter,
// which only gets the data pointer, finds it. A whole alignment unit keeps
// the data aligned.
constexpr std::size_t kHeader = kAlignment;
constexpr int kMaxConsecutiveMisses = 3;

std::size_t round_up(std::size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }
std::size_t footprint(std::size_t n) { return kHeader + round_up(n); }

// ATen's mkldnn code uses raw_allocate/raw_deallocate, which need the
// context to be the data pointer and one deleter for every pointer the
// allocator hands out. So all our DataPtrs carry route_free, which tells
// arena blocks (by address: arena buffers are registered here) from heap
// blocks (passed to the heap allocator's raw deleter).
void route_free(void* data);

}  // namespace

// ---- plan -------------------------------------------------------------------

struct Arena::Plan {
  struct Block {
    std::size_t size = 0;       // requested bytes, matched exactly on replay
    bool on_arena = false;      // false: escaped the recorded run, stays on the heap
    std::size_t offset = 0;     // of the header
    std::vector<int> overlaps;  // arena blocks sharing bytes with this one
  };
  // What a live block's header points at.
  struct Handle {
    Plan* plan;
    int index;
  };

  std::vector<Block> blocks;
  std::vector<Handle> handles;
  std::unique_ptr<std::atomic<bool>[]> live;
  std::byte* buffer = nullptr;
  std::size_t bytes = 0;
  std::atomic<int> refs{1};

  ~Plan();
  void release() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

namespace {

// Address ranges of the arena buffers alive in the process.
constexpr int kMaxPlans = 64;
std::atomic<std::uintptr_t> g_plan_begin[kMaxPlans];
std::atomic<std::uintptr_t> g_plan_end[kMaxPlans];

bool register_buffer(const std::byte* buffer, std::size_t bytes) {
  for (int i = 0; i < kMaxPlans; ++i) {
    std::uintptr_t expected = 0;
    const auto begin = reinterpret_cast<std::uintptr_t>(buffer);
    if (g_plan_begin[i].compare_exchange_strong(expected, begin)) {
      g_plan_end[i].store(begin + bytes);
      return true;
    }
  }
  return false;
}

void unregister_buffer(const std::byte* buffer) {
  const auto begin = reinterpret_cast<std::uintptr_t>(buffer);
  for (int i = 0; i < kMaxPlans; ++i) {
    if (g_plan_begin[i].load() == begin) {
      g_plan_end[i].store(0);
      g_plan_begin[i].store(0);
      return;
    }
  }
}

bool in_arena(const void* data) {
  const auto p = reinterpret_cast<std::uintptr_t>(data);
  for (int i = 0; i < kMaxPlans; ++i) {
    const std::uintptr_t begin = g_plan_begin[i].load();
    if (begin != 0 && p > begin && p < g_plan_end[i].load()) return true;
  }
  return false;
}

// One block of a recording: allocated at tick `begin`, freed at `end`
// (-1: still alive when the run ended).
struct Lifetime {
  std::size_t size = 0;
  std::int64_t begin = 0;
  std::int64_t end = -1;
};

// The run being recorded (at most one in the process at a time).
struct Recording {
  std::vector<Lifetime> lifetimes;
  std::unordered_map<const void*, std::size_t> live;  // data -> lifetime index
  std::int64_t clock = 0;
};
std::mutex g_recording_mutex;
Recording* g_recording = nullptr;             // guarded by g_recording_mutex
std::atomic<bool> g_recording_active{false};  // fast path for route_free

c10::DeleterFnPtr g_heap_free = nullptr;

void route_free(void* data) {
  if (in_arena(data)) {
    auto* handle = *reinterpret_cast<Arena::Plan::Handle**>(static_cast<std::byte*>(data) - kHeader);
    handle->plan->live[handle->index].store(false, std::memory_order_release);
    handle->plan->release();
    return;
  }
  if (g_recording_active.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(g_recording_mutex);
    if (g_recording) {
      const auto it = g_recording->live.find(data);
      if (it != g_recording->live.end()) {
        g_recording->lifetimes[it->second].end = g_recording->clock++;
        g_recording->live.erase(it);
      }
    }
  }
  g_heap_free(data);
}

// A heap block from `heap`, re-labelled with route_free.
c10::DataPtr heap_block(std::size_t n, c10::Allocator& heap) {
  c10::DataPtr d = heap.allocate(n);
  void* data = d.get();
  if (!data) return d;
  d.release_context();  // ownership moves to the DataPtr below
  return c10::DataPtr(data, data, &route_free, c10::Device(c10::DeviceType::CPU));
}

bool lifetimes_overlap(const Lifetime& a, const Lifetime& b) { return a.begin < b.end && b.begin < a.end; }

// Greedy by size: largest block first, each at the lowest offset that does
// not collide with an already placed block alive at the same time.
// nullptr when the buffer cannot be had.
Arena::Plan* make_plan(const std::vector<Lifetime>& lifetimes) {
  auto plan = std::make_unique<Arena::Plan>();
  plan->blocks.resize(lifetimes.size());
  std::vector<int> order;
  for (std::size_t i = 0; i < lifetimes.size(); ++i) {
    plan->blocks[i].size = lifetimes[i].size;
    plan->blocks[i].on_arena = lifetimes[i].end >= 0 && lifetimes[i].size > 0;
    if (plan->blocks[i].on_arena) order.push_back(static_cast<int>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return lifetimes[a].size > lifetimes[b].size; });
  std::vector<int> placed;
  for (int i : order) {
    std::vector<std::pair<std::size_t, std::size_t>> taken;  // [offset, end) of concurrent blocks
    for (int j : placed) {
      if (lifetimes_overlap(lifetimes[i], lifetimes[j])) {
        taken.emplace_back(plan->blocks[j].offset, plan->blocks[j].offset + footprint(lifetimes[j].size));
      }
    }
    std::sort(taken.begin(), taken.end());
    const std::size_t need = footprint(lifetimes[i].size);
    std::size_t offset = 0;
    for (const auto& [begin, end] : taken) {
      if (begin >= offset + need) break;
      offset = std::max(offset, end);
    }
    plan->blocks[i].offset = offset;
    plan->bytes = std::max(plan->bytes, offset + need);
    placed.push_back(i);
  }
  // Blocks sharing bytes: checked on replay so a block is never handed out
  // while another one using its bytes is still alive.
  for (int i : order) {
    const auto& a = plan->blocks[i];
    for (int j : order) {
      const auto& b = plan->blocks[j];
      if (i != j && a.offset < b.offset + footprint(b.size) && b.offset < a.offset + footprint(a.size)) {
        plan->blocks[i].overlaps.push_back(j);
      }
    }
  }
  plan->live = std::make_unique<std::atomic<bool>[]>(lifetimes.size());
  plan->handles.resize(lifetimes.size());
  for (std::size_t i = 0; i < lifetimes.size(); ++i) {
    plan->live[i].store(false);
    plan->handles[i] = {plan.get(), static_cast<int>(i)};
  }
  if (plan->bytes > 0) {
    plan->buffer = static_cast<std::byte*>(std::aligned_alloc(kAlignment, round_up(plan->bytes)));
    if (!plan->buffer) return nullptr;
    if (!register_buffer(plan->buffer, plan->bytes)) return nullptr;  // ~Plan frees the buffer
  }
  return plan.release();
}

}  // namespace

Arena::Plan::~Plan() {
  if (buffer) {
    unregister_buffer(buffer);
    std::free(buffer);
  }
}

// ---- one run ----------------------------------------------------------------

struct Arena::Session {
  // Recording mode when `recording` is set, else replay of `plan`.
  std::unique_ptr<Recording> recording;
  Plan* plan = nullptr;
  std::size_t next = 0;  // index of the next allocation
  bool missed = false;

  c10::DataPtr allocate(std::size_t n, c10::Allocator& heap) {
    if (recording) {
      // Empty allocations (null data) are logged too, to keep the indices
      // of the replay in step; they never go to the arena.
      c10::DataPtr d = heap_block(n, heap);
      std::lock_guard<std::mutex> lock(g_recording_mutex);
      if (d.get()) recording->live[d.get()] = recording->lifetimes.size();
      recording->lifetimes.push_back({n, recording->clock++, -1});
      return d;
    }
    if (missed || next >= plan->blocks.size() || plan->blocks[next].size != n) {
      missed = true;
      return heap_block(n, heap);
    }
    const int index = static_cast<int>(next++);
    const Plan::Block& block = plan->blocks[index];
    if (!block.on_arena) return heap_block(n, heap);
    bool busy = plan->live[index].load(std::memory_order_acquire);
    for (int j : block.overlaps) busy = busy || plan->live[j].load(std::memory_order_acquire);
    if (busy) {
      missed = true;
      return heap_block(n, heap);
    }
    plan->live[index].store(true, std::memory_order_release);
    plan->refs.fetch_add(1, std::memory_order_relaxed);
    std::byte* header = plan->buffer + block.offset;
    *reinterpret_cast<Plan::Handle**>(header) = &plan->handles[index];
    void* data = header + kHeader;
    return c10::DataPtr(data, data, &route_free, c10::Device(c10::DeviceType::CPU));
  }
};

namespace {

thread_local Arena::Session* current_session = nullptr;

// c10's CPU allocator, routed through the current thread's session if any.
struct RoutingAllocator final : c10::Allocator {
  c10::Allocator* heap = nullptr;
  c10::DataPtr allocate(std::size_t n) const override {
    if (Arena::Session* s = current_session) return s->allocate(n, *heap);
    return heap_block(n, *heap);
  }
  c10::DeleterFnPtr raw_deleter() const override { return &route_free; }
};

// Installs the routing allocator once; false when c10 kept another one or
// the heap allocator has no raw deleter to route to.
bool routing_installed() {
  static const bool installed = [] {
    static RoutingAllocator routing;
    routing.heap = c10::GetCPUAllocator();
    g_heap_free = routing.heap->raw_deleter();
    if (!g_heap_free) return false;
    c10::SetCPUAllocator(&routing, /*priority=*/1);
    return c10::GetCPUAllocator() == &routing;
  }();
  return installed;
}

}  // namespace

// ---- arena ------------------------------------------------------------------

Arena::Arena() = default;

Arena::~Arena() {
  if (plan_) plan_->release();
}

ArenaStats Arena::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

ArenaScope::ArenaScope(Arena& arena, std::vector<std::int64_t> key)
    : arena_(arena), lock_(arena.mutex_, std::try_to_lock) {
  if (!lock_.owns_lock()) return;  // another thread is running: use the heap
  ++arena_.stats_.runs;
  if (!routing_installed()) return;
  if (key != arena_.key_) {
    arena_.key_ = std::move(key);
    if (arena_.plan_) arena_.plan_->release();
    arena_.plan_ = nullptr;
    arena_.warmups_left_ = 1;
    arena_.consecutive_misses_ = 0;
    arena_.stats_.disabled = false;
  }
  if (arena_.stats_.disabled) return;
  if (arena_.warmups_left_ > 0) {  // lazy initialisation allocates once
    --arena_.warmups_left_;
    return;
  }
  session_ = std::make_unique<Arena::Session>();
  if (arena_.plan_) {
    session_->plan = arena_.plan_;
  } else {
    std::lock_guard<std::mutex> lock(g_recording_mutex);
    if (g_recording) {  // another executor is recording: try next run
      session_.reset();
      return;
    }
    session_->recording = std::make_unique<Recording>();
    g_recording = session_->recording.get();
    g_recording_active.store(true, std::memory_order_release);
  }
  current_session = session_.get();
}

ArenaScope::~ArenaScope() {
  if (!session_) return;
  current_session = nullptr;
  ArenaStats& stats = arena_.stats_;
  if (session_->recording) {
    {
      std::lock_guard<std::mutex> lock(g_recording_mutex);
      g_recording = nullptr;
      g_recording_active.store(false, std::memory_order_release);
    }
    arena_.plan_ = make_plan(session_->recording->lifetimes);
    if (!arena_.plan_) {
      stats.disabled = true;  // no arena: keep running on the heap
      return;
    }
    ++stats.recordings;
    stats.arena_bytes = arena_.plan_->bytes;
    stats.planned_blocks = stats.heap_blocks = stats.recorded_bytes = 0;
    for (const auto& b : arena_.plan_->blocks) {
      ++(b.on_arena ? stats.planned_blocks : stats.heap_blocks);
      stats.recorded_bytes += b.size;
    }
    return;
  }
  const bool complete = !session_->missed && session_->next == session_->plan->blocks.size();
  if (complete) {
    ++stats.replayed_runs;
    arena_.consecutive_misses_ = 0;
    return;
  }
  // The run allocated differently (data-dependent shapes?): record anew,
  // and stop trying when it keeps happening.
  arena_.plan_->release();
  arena_.plan_ = nullptr;
  if (++arena_.consecutive_misses_ >= kMaxConsecutiveMisses) stats.disabled = true;
}

}  // namespace kenning::onnx_exec
