// Writes the CNN table (cnn_architecture.h) with trained parameters as an ONNX
// graph, node by node. Only built with KENNING_WITH_ONNX.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "modelwrappers/cnn_architecture.h"

namespace kenning {

// Names of the graph's input and output tensors.
inline constexpr const char* kCnnInputName = "input";
inline constexpr const char* kCnnOutputName = "output";

// Conv -> Conv, Relu -> Relu, MaxPool2d -> MaxPool, Flatten -> Flatten(axis 1),
// Linear -> Gemm(transB 1); Dropout is dropped (identity at inference).
// Opset 13, input float32 [batch, 1, 28, 28], output float32 [batch, 10]
// (raw logits). `params` is parallel to `layers`. Throws BackendError when a
// layer's parameters do not match its definition or the graph does not
// check, IoError when `path` cannot be written.
void export_cnn_to_onnx(const std::vector<CnnLayer>& layers,
                        const std::vector<CnnLayerParams>& params,
                        const std::filesystem::path& path);

}  // namespace kenning
