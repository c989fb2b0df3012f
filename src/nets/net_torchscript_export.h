// Writes a NetGraph with its parameters as a TorchScript archive: a
// torch::jit::Module holding the parameters and running statistics, whose
// `forward` is TorchScript source generated from the graph. Loadable with
// torch::jit::load (C++) or torch.jit.load (Python) without this project's
// code. Only built with KENNING_WITH_TORCH.
#pragma once

#include <filesystem>
#include <string>

#include "nets/net_graph.h"

namespace kenning {

// "features.0.0.weight" -> "features_0_0_weight": TorchScript attribute names
// cannot hold dots (node names have no underscores, so this is one-to-one).
std::string net_torchscript_attribute(const std::string& param_name);

// The module's `forward(self, input)`: one statement per node, with the same
// aten ops as the libtorch backend (net_torch_backend.cpp), so both compute
// the same: conv2d, batch_norm (inference), relu, clamp(0, 6), add,
// adaptive_avg_pool2d, max_pool2d, flatten, and Linear as a 1x1 convolution
// for batches > 1; Dropout is the identity. Dead values are freed by the TorchScript interpreter.
std::string net_torchscript_source(const NetGraph& graph);

// Builds the module in eval mode and saves it to `path`. Throws
// BackendError when `params` does not fit the graph or TorchScript rejects
// the module, IoError when `path` cannot be written.
void export_net_to_torchscript(const NetGraph& graph, const NetParams& params, const std::filesystem::path& path);

}  // namespace kenning
