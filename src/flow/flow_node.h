// One runner of a running flow, whatever its family: data provider, model
// runner or output collector, seen through the same few calls.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning {

class FlowNode {
 public:
  virtual ~FlowNode() = default;

  virtual std::vector<TensorSpec> input_spec() const { return {}; }
  // Inputs that may stay unconnected.
  virtual std::vector<std::string> optional_inputs() const { return {}; }
  virtual std::vector<TensorSpec> output_spec() const { return {}; }

  // Opens devices and files; `connected` as in OutputCollector::prepare.
  virtual void prepare(const std::vector<TensorSpec>& connected) = 0;
  // One flow step: inputs in input_spec() order (an unconnected optional one
  // is an empty view), outputs in output_spec() order; nullopt when a source
  // has ended.
  virtual std::optional<std::vector<Tensor>> step(std::span<const TensorView> inputs) = 0;
  virtual bool should_close() const { return false; }
  // Releases everything; safe after a failed prepare and more than once.
  virtual void close(bool completed) = 0;

  // Seconds of the node's own work (decoding, inference, drawing) and of
  // waiting for another thread's work; inputs skipped as unreadable.
  virtual double work_seconds() const = 0;
  virtual double wait_seconds() const { return 0; }
  virtual std::size_t skipped() const { return 0; }
};

}  // namespace kenning
