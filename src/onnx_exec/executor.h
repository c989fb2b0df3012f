// Executor: runs a loaded ONNX graph node by node on ATen tensors.
//
// Everything that can fail on the model alone fails in load(): parsing,
// opset, wiring, and every op's lookup and attribute checks. run() only fails
// on bad inputs or a kernel error, naming the node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "onnx_exec/arena.h"
#include "onnx_exec/fusion.h"
#include "onnx_exec/graph.h"
#include "onnx_exec/op_table.h"
#include "onnx_exec/qdq_fusion.h"

namespace kenning::onnx_exec {

struct ExecutorOptions {
  // The load-time rewrites of fusion.h and qdq_fusion.h. Off, every node runs
  // as written: the op-by-op reference the fused graph is checked against.
  bool fusion = true;
};

class Executor {
 public:
  static Executor load(const std::filesystem::path& file, const ExecutorOptions& options = {});
  static Executor from_graph(Graph graph, const ExecutorOptions& options = {});

  const std::vector<ValueInfo>& inputs() const { return graph_.inputs; }
  const std::vector<ValueInfo>& outputs() const { return graph_.outputs; }
  std::int64_t opset() const { return graph_.opset; }
  const std::filesystem::path& file() const { return graph_.file; }

  // Runs the graph on `inputs`, in the order of inputs(); checks their
  // count, dtype and declared shape (free dimensions match anything).
  std::vector<at::Tensor> run(const std::vector<at::Tensor>& inputs) const;

  // Intermediate tensors live in an arena planned from their lifetimes
  // (arena.h); on by default. Off: every run takes them from the heap.
  void set_arena_enabled(bool enabled) { arena_enabled_ = enabled; }
  ArenaStats arena_stats() const { return arena_->stats(); }
  // What the load-time fusion (fusion.h) rewrote.
  const FusionStats& fusion_stats() const { return fusion_; }
  // What the QDQ fusion (qdq_fusion.h) rewrote into integer ops.
  const QdqFusionStats& qdq_fusion_stats() const { return qdq_fusion_; }

 private:
  struct Step {
    Kernel kernel;
    std::vector<int> inputs;   // value slots; -1 for an omitted optional input
    std::vector<int> outputs;  // value slots; -1 for an unused output
    std::vector<int> release;  // slots whose last reader is this step
    std::string where;
  };

  Graph graph_;
  FusionStats fusion_;
  QdqFusionStats qdq_fusion_;
  int num_slots_ = 0;
  std::vector<std::pair<int, at::Tensor>> constants_;  // initializer slots
  std::vector<int> input_slots_;
  std::vector<int> output_slots_;
  std::vector<Step> steps_;
  bool arena_enabled_ = true;
  std::unique_ptr<Arena> arena_ = std::make_unique<Arena>();
};

}  // namespace kenning::onnx_exec
