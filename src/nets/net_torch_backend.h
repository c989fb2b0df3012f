// The libtorch side of the NetGraph networks (PyTorchMobileNetV2,
// PyTorchResNet, PyTorchFashionMNISTCNN): weights, inference and export,
// behind plain types so that only this library's libtorch units include
// torch headers; training is in net_torch_train.h. Without
// KENNING_WITH_TORCH, net_torch_stub.cpp implements these by throwing
// NotSupported (except available() and torch_version()).
//
// The .pt files are torch::save archives of the module that
// net_torch_module.h builds from the graph: every parameter under its
// state-dict name ("layers.0.weight"), nested at the dots as torch.nn's
// modules are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kenning/core/tensor.h"
#include "nets/net_graph.h"
#include "nets/net_init.h"
#include "nets/net_onnx_export.h"

namespace kenning::net_torch {

// True when built with libtorch.
bool available();
// libtorch's version ("1.13.0"), or "n/a".
std::string torch_version();

// Writes starting weights for `graph` (torch::save of its module) to
// `weights_path`: init_net_params(graph, seed, linear), then every
// BatchNorm2d's running mean and variance set to the per-channel statistics
// of its input over net_calibration_input(graph, seed, 4), layer by layer, as
// training would leave them. Activations then keep a trained network's
// scale through any depth, instead of vanishing or exploding under
// Kaiming-initialised weights with made-up statistics. Deterministic for a
// seed (up to the rounding of libtorch's kernels in the calibration pass).
// IoError when the file cannot be written.
void create_weights(const NetGraph& graph, LinearInit linear, std::int64_t seed,
                    const std::filesystem::path& weights_path);

// The weights in `weights_path`, checked against `graph`. IoError naming the
// file when it is missing or not weights of this graph (a missing or
// differently shaped parameter).
NetParams load_params(const NetGraph& graph, const std::filesystem::path& weights_path);

// Loads `weights_path` and writes it as ONNX / TorchScript (no sidecar).
// Errors as load_params, export_net_to_onnx, export_net_to_torchscript.
void export_onnx(const NetGraph& graph, const std::filesystem::path& weights_path,
                 const std::filesystem::path& onnx_path, const NetOnnxOptions& options);
void export_torchscript(const NetGraph& graph, const std::filesystem::path& weights_path,
                        const std::filesystem::path& ts_path);

// A loaded network, ready for inference.
class Net;
struct NetDeleter {
  void operator()(Net* net) const;
};
using NetPtr = std::unique_ptr<Net, NetDeleter>;

// Errors as load_params; `num_threads` 0 means all cores.
NetPtr load_net(const NetGraph& graph, const std::filesystem::path& weights_path, std::int64_t num_threads);
// Raw output float32 [n, classes] of `input` (float32 [n, C, H, W], checked
// by the caller), without autograd. BackendError when libtorch fails.
Tensor forward(Net& net, const TensorView& input);

}  // namespace kenning::net_torch
