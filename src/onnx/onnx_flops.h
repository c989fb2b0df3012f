// Floating-point work of an ONNX graph, counted from its shapes: 2 FLOPs per
// multiply-add of Conv, ConvTranspose, Gemm, MatMul and their QLinear forms
// (the ops that dominate CNN and transformer cost); other ops count 0.
// Benchmarks divide this by measured time to report achieved GFLOP/s.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace kenning {

struct GraphFlops {
  double total = 0;                     // FLOPs of one run at the given batch
  std::map<std::string, double> by_op;  // op type -> FLOPs
  int nodes_without_shapes = 0;         // counted ops whose shapes could not be inferred
};

// Fixes every free input dimension to `batch`, infers shapes and counts.
// Throws IoError for a file that is not ONNX, BackendError when shape
// inference fails.
GraphFlops count_onnx_flops(const std::filesystem::path& model, std::int64_t batch = 1);

}  // namespace kenning
