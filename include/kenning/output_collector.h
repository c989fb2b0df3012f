// OutputCollector family: a sink for predictions in runtime applications
// (JSON lines, video writer, window, name printer). Interface only for now.
#pragma once

#include <span>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"

namespace kenning {

class OutputCollector : public Plugin {
 public:
  virtual void prepare() = 0;
  // `inputs` are what the model saw, `outputs` what the model wrapper returned.
  virtual void process_output(std::span<const TensorView> inputs,
                              std::span<const TensorView> outputs) = 0;
  // True when the collector asks the flow to stop (e.g. window closed).
  virtual bool should_close() const { return false; }
  virtual void close() = 0;
  virtual std::vector<TensorSpec> input_spec() const = 0;
};

}  // namespace kenning
