// An OutputCollector as a flow node.
#pragma once

#include <memory>

#include "flow/flow_node.h"
#include "kenning/output_collector.h"

namespace kenning {

class CollectorNode : public FlowNode {
 public:
  explicit CollectorNode(std::unique_ptr<OutputCollector> collector) : collector_(std::move(collector)) {}

  std::vector<TensorSpec> input_spec() const override { return collector_->input_spec(); }
  std::vector<std::string> optional_inputs() const override { return collector_->optional_inputs(); }
  void prepare(const std::vector<TensorSpec>& connected) override { collector_->prepare(connected); }
  std::optional<std::vector<Tensor>> step(std::span<const TensorView> inputs) override;
  bool should_close() const override { return collector_->should_close(); }
  void close(bool completed) override { collector_->close(completed); }
  double work_seconds() const override { return work_s_; }

 private:
  std::unique_ptr<OutputCollector> collector_;
  double work_s_ = 0;
};

}  // namespace kenning
