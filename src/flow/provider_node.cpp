#include "flow/provider_node.h"

#include <chrono>

namespace kenning {
namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

ProviderNode::ProviderNode(std::unique_ptr<DataProvider> provider, bool prefetch, const std::atomic<bool>& stop,
                           std::size_t depth)
    : provider_(std::move(provider)), prefetch_(prefetch), stop_(stop), depth_(depth) {}

ProviderNode::~ProviderNode() { close(false); }

void ProviderNode::prepare(const std::vector<TensorSpec>&) {
  provider_->prepare();
  if (prefetch_) thread_ = std::thread([this] { prefetch_loop(); });
}

std::optional<std::vector<Tensor>> ProviderNode::fetch_timed() {
  const auto start = Clock::now();
  auto inputs = provider_->fetch_input();
  work_s_ += seconds_since(start);
  return inputs;
}

void ProviderNode::prefetch_loop() {
  while (true) {
    Item item;
    try {
      item.inputs = fetch_timed();
    } catch (...) {
      item.error = std::current_exception();
    }
    const bool last = !item.inputs || item.error;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closing_ || queue_.size() < depth_; });
    if (closing_) return;
    queue_.push_back(std::move(item));
    changed_.notify_all();
    if (last) return;
  }
}

std::optional<std::vector<Tensor>> ProviderNode::step(std::span<const TensorView>) {
  if (ended_) return std::nullopt;
  if (!prefetch_) {
    auto inputs = fetch_timed();
    ended_ = !inputs;
    return inputs;
  }
  const auto start = Clock::now();
  std::unique_lock lock(mutex_);
  // Short waits, so Ctrl-C is noticed while a camera or client is silent.
  while (queue_.empty()) {
    if (stop_) {
      wait_s_ += seconds_since(start);
      return std::nullopt;
    }
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  Item item = std::move(queue_.front());
  queue_.pop_front();
  changed_.notify_all();
  wait_s_ += seconds_since(start);
  if (item.error) {
    ended_ = true;
    std::rethrow_exception(item.error);
  }
  ended_ = !item.inputs;
  return std::move(item.inputs);
}

void ProviderNode::close(bool) {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  // A fetch in progress finishes first: providers bound their waits.
  if (thread_.joinable()) thread_.join();
  if (provider_) provider_->close();
}

}  // namespace kenning
