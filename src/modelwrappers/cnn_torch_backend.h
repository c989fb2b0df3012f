// The libtorch side of PyTorchFashionMNISTCNN, kept behind plain types so
// only cnn_torch_backend.cpp includes <torch/torch.h>. Without
// KENNING_WITH_TORCH, cnn_torch_stub.cpp implements these by throwing
// NotSupported (except available() and torch_version()).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "modelwrappers/cnn_architecture.h"
#include "kenning/core/tensor.h"
#include "kenning/dataset.h"
#include "kenning/model_wrapper.h"

namespace kenning::cnn_torch {

// True when built with libtorch.
bool available();
// libtorch's version ("1.13.0"), or "n/a".
std::string torch_version();

struct TrainConfig {
  std::int64_t batch_size = 64;
  double learning_rate = 1e-3;
  std::int64_t num_epochs = 1;
  std::filesystem::path logdir;  // empty: no log files
  std::int64_t seed = 42;
  std::int64_t num_threads = 0;  // 0: all cores
  std::filesystem::path weights_path;  // where the trained weights go (.pt)
  // Fine-tuning: start from these weights instead of a fresh initialisation.
  std::filesystem::path initial_weights;
  // Magnitude pruning: before training, the smallest |w| of all Conv and
  // Linear weights together (global ranking) are set to zero until this
  // fraction of them is zero, and they stay zero through every step.
  double prune_sparsity = 0.0;
};

// Trains fashion_mnist_cnn_layers() on the Train split with Adam, evaluating
// on the Validation split after every epoch, and saves the weights
// (torch::save of the module) to config.weights_path. Deterministic for a
// given seed and thread count. Throws ConfigError for batches of the wrong
// shape/dtype or labels outside [0, 10), BackendError when libtorch fails,
// IoError when a file cannot be written.
std::vector<EpochStats> train(const TrainConfig& config, const Dataset& dataset);

// The fraction of Conv and Linear weights (not biases) of `weights_path`
// that are exactly zero.
double weight_sparsity(const std::filesystem::path& weights_path);

// Saves an untrained module initialised from `seed` (tests, speed benchmarks).
void save_initial_weights(const std::filesystem::path& weights_path, std::int64_t seed);

// Loads `weights_path` and writes it as ONNX to `onnx_path` (no sidecar).
// IoError naming weights_path when it is missing or not this model's weights.
void export_onnx(const std::filesystem::path& weights_path, const std::filesystem::path& onnx_path);
// Loads `weights_path` and writes it as TorchScript to `ts_path` (no sidecar).
// Same errors as export_onnx.
void export_torchscript(const std::filesystem::path& weights_path, const std::filesystem::path& ts_path);

// A loaded model, ready for inference.
class Net;
struct NetDeleter {
  void operator()(Net* net) const;
};
using NetPtr = std::unique_ptr<Net, NetDeleter>;

// IoError naming weights_path when it is missing or not this model's weights.
NetPtr load_net(const std::filesystem::path& weights_path, std::int64_t num_threads);
// Raw logits float32 [n, 10] of `input` (float32 [n, 1, 28, 28], checked by
// the caller), in eval mode without autograd.
Tensor forward(Net& net, const TensorView& input);

}  // namespace kenning::cnn_torch
