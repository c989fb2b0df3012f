// A DataProvider as a flow node. With prefetching, fetch_input runs on a
// thread of its own and the flow takes inputs from a queue of `depth`
// entries, so decoding the next frame overlaps with inference on this one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "flow/flow_node.h"
#include "kenning/data_provider.h"

namespace kenning {

class ProviderNode : public FlowNode {
 public:
  // `stop` (owned by the caller, outliving the node) ends a wait for input.
  ProviderNode(std::unique_ptr<DataProvider> provider, bool prefetch, const std::atomic<bool>& stop,
               std::size_t depth = 2);
  ~ProviderNode() override;

  std::vector<TensorSpec> output_spec() const override { return provider_->output_spec(); }
  void prepare(const std::vector<TensorSpec>& connected) override;
  std::optional<std::vector<Tensor>> step(std::span<const TensorView> inputs) override;
  void close(bool completed) override;
  double work_seconds() const override { return work_s_; }
  double wait_seconds() const override { return wait_s_; }
  std::size_t skipped() const override { return provider_->skipped(); }

 private:
  // One fetch result: inputs, the end (nullopt) or what fetch_input threw.
  struct Item {
    std::optional<std::vector<Tensor>> inputs;
    std::exception_ptr error;
  };
  void prefetch_loop();
  std::optional<std::vector<Tensor>> fetch_timed();

  std::unique_ptr<DataProvider> provider_;
  const bool prefetch_;
  const std::atomic<bool>& stop_;
  const std::size_t depth_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;
  bool closing_ = false;
  bool ended_ = false;
  double work_s_ = 0;  // written by the fetching thread, read after it joined
  double wait_s_ = 0;
};

}  // namespace kenning
