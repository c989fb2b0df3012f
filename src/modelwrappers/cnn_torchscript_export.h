// Writes the CNN table (cnn_architecture.h) with trained parameters as a
// TorchScript archive: a torch::jit::Module holding the parameters, whose
// `forward` is TorchScript source generated from the table. Only built with
// KENNING_WITH_TORCH; loadable with torch::jit::load (C++) or torch.jit.load
// (Python) without this project's code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "modelwrappers/cnn_architecture.h"

namespace kenning {

// The `forward` method of the module for `layers`: raw logits float32
// [batch, 10] from float32 [batch, 1, 28, 28]; Dropout is left out (identity
// at inference). Parameters are named "layers_<index>_weight" / "_bias"
// (TorchScript attribute names cannot hold the dots of "layers.0.weight").
std::string cnn_torchscript_source(const std::vector<CnnLayer>& layers);

// Builds the module from `layers` and `params` (parallel to `layers`), in
// eval mode, and saves it to `path`. Throws BackendError when a layer's
// parameters do not match its definition or TorchScript rejects the module,
// IoError when `path` cannot be written.
void export_cnn_to_torchscript(const std::vector<CnnLayer>& layers,
                               const std::vector<CnnLayerParams>& params,
                               const std::filesystem::path& path);

}  // namespace kenning
