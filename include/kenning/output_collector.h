// OutputCollector family: a sink for predictions in runtime applications
// (JSON lines, video writer, window, name printer), the last runners of a
// `kenning flow`.
//
// Call order: prepare once, process_output per flow step, close once.
// Inputs are borrowed for the duration of process_output only.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"

namespace kenning {

class OutputCollector : public Plugin {
 public:
  // The inputs it reads, by name (e.g. "frame", "predictions").
  virtual std::vector<TensorSpec> input_spec() const = 0;
  // Names from input_spec() the flow may leave unconnected.
  virtual std::vector<std::string> optional_inputs() const { return {}; }

  // Opens files or windows. `connected` follows input_spec(): the spec of
  // the runner output feeding each input (its class_name gives the labels),
  // or a spec with an empty name for an unconnected optional input.
  // Throws IoError naming the file when it cannot be opened.
  virtual void prepare(const std::vector<TensorSpec>& connected) = 0;
  // `inputs` follows input_spec(); an unconnected optional input is an
  // empty view (no shape, no bytes).
  virtual void process_output(std::span<const TensorView> inputs) = 0;
  // True when the collector asks the flow to stop (e.g. window closed).
  virtual bool should_close() const { return false; }
  // Finishes and releases files and windows; safe to call more than once.
  // `completed` false (the flow failed): files being written are removed
  // rather than left looking complete.
  virtual void close(bool completed) = 0;
};

}  // namespace kenning
