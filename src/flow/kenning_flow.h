// KenningFlow: builds the runners of a flow definition, checks that every
// connection joins an output and an input of matching I/O specs, and runs
// the flow step by step: providers -> model runners -> collectors.
//
// A run ends when a provider ends, a collector asks to stop, `stop` is set
// (Ctrl-C) or max_steps is reached; every runner is then closed, releasing
// devices and finishing files. When a runner fails, the others are closed
// too and files being written are removed, and the error is rethrown.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flow/flow_definition.h"
#include "flow/flow_node.h"

namespace kenning {

struct FlowOptions {
  // Providers fetch on threads of their own, overlapping decoding with
  // inference and drawing.
  bool pipeline = true;
  std::size_t max_steps = 0;  // 0: no limit
};

struct FlowStats {
  struct Runner {
    std::string type;
    double work_seconds = 0;  // decoding, inference or drawing
    double wait_seconds = 0;  // waiting for a provider's thread
    std::size_t skipped = 0;
  };
  std::size_t steps = 0;
  double wall_seconds = 0;  // the step loop, from the first fetch to the last collector
  std::string stop_reason;  // "provider ended", "collector asked to stop", "interrupted", "max steps"
  std::vector<Runner> runners;

  double work_sum() const;
  nlohmann::json to_json() const;
};

class KenningFlow {
 public:
  // Throws ConfigError naming the runner and connection on a bad flow.
  // `stop` (set from a signal handler, say) must outlive the flow.
  KenningFlow(const FlowDefinition& definition, FlowOptions options, const std::atomic<bool>& stop);
  ~KenningFlow();
  KenningFlow(const KenningFlow&) = delete;
  KenningFlow& operator=(const KenningFlow&) = delete;

  // Prepares every runner, runs the steps, closes every runner.
  FlowStats run();

 private:
  struct Port {
    std::size_t spec_index = 0;  // in the node's input/output spec
    std::size_t slot = 0;        // connection value slot
  };
  struct Runner {
    std::unique_ptr<FlowNode> node;
    std::string type;
    std::string where;
    std::vector<std::optional<std::size_t>> input_slots;  // per input_spec entry
    std::vector<Port> outputs;
    std::vector<TensorSpec> connected;  // producer spec per input_spec entry
  };
  // Closes every runner; rethrows the first close error when `completed`.
  void close_all(bool completed);
  std::string check_connection(const Runner& consumer, std::size_t input, const TensorSpec& produced,
                               const std::string& producer) const;

  FlowOptions options_;
  const std::atomic<bool>& stop_;
  std::vector<Runner> runners_;  // in run order
  std::size_t slot_count_ = 0;
};

}  // namespace kenning
