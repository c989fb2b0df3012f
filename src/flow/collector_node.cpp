#include "flow/collector_node.h"

#include <chrono>

namespace kenning {

std::optional<std::vector<Tensor>> CollectorNode::step(std::span<const TensorView> inputs) {
  const auto start = std::chrono::steady_clock::now();
  collector_->process_output(inputs);
  work_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::vector<Tensor>{};
}

}  // namespace kenning
