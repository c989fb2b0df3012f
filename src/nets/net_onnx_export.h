// Writes a NetGraph with its parameters as an ONNX graph, node by node
// (through OnnxGraphBuilder). Only built with KENNING_WITH_ONNX.
#pragma once

#include <cstdint>
#include <filesystem>

#include "nets/net_graph.h"

namespace kenning {

// Names of the exported graph's input and output tensors.
inline constexpr const char* kNetInputName = "input";
inline constexpr const char* kNetOutputName = "output";

struct NetOnnxOptions {
  // 9..17. Relu6 is Clip: with min/max attributes up to opset 10, with
  // min/max inputs (scalar initializers) from 11, as the standard requires.
  // OpenCV 4.6's importer only takes the attribute form.
  std::int64_t opset = 13;
  std::int64_t batch = -1;  // the input's first dimension; -1: symbolic "batch"
  // Fold every BatchNorm2d that reads a Conv2d (read by nothing else) into
  // that Conv's weight and bias (net_fold.h); the rest stay
  // BatchNormalization nodes.
  bool fold_batchnorm = false;
};

// Conv2d -> Conv (group, strides, pads), BatchNorm2d -> BatchNormalization,
// Relu -> Relu, Relu6 -> Clip, Add -> Add, GlobalAvgPool -> GlobalAveragePool,
// MaxPool -> MaxPool, Flatten -> Flatten(axis 1), Linear -> Gemm(transB 1);
// Dropout (identity at inference) emits nothing, or Identity as the output.
// Tensors are named after their nodes, initializers after the parameters
// ("features.0.0.weight"); input float32 [batch, C, H, W], output float32
// [batch, classes]. Throws ConfigError for an opset outside 9..17,
// BackendError when `params` does not fit the graph or the ONNX checker or
// shape inference rejects the result, IoError when `path` cannot be written.
void export_net_to_onnx(const NetGraph& graph, const NetParams& params, const std::filesystem::path& path,
                        const NetOnnxOptions& options = {});

}  // namespace kenning
