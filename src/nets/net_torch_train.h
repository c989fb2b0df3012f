// Training a NetGraph with libtorch (Adam, seeded, with optional magnitude
// pruning), behind plain types like net_torch_backend.h. Without
// KENNING_WITH_TORCH, net_torch_stub.cpp implements these by throwing
// NotSupported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kenning/dataset.h"
#include "kenning/model_wrapper.h"
#include "nets/net_graph.h"

namespace kenning::net_torch {

struct TrainConfig {
  // Who trains, to begin messages with ("PyTorchFashionMNISTCNN"); empty:
  // "net '<graph name>'".
  std::string owner;
  std::int64_t batch_size = 64;
  double learning_rate = 1e-3;
  std::int64_t num_epochs = 1;
  std::filesystem::path logdir;  // empty: no log files (training_log.h)
  std::int64_t seed = 42;
  std::int64_t num_threads = 0;        // 0: all cores
  std::filesystem::path weights_path;  // where the trained weights go (.pt)
  // Fine-tuning: start from these weights instead of a fresh initialisation.
  std::filesystem::path initial_weights;
  // Magnitude pruning: before training, the smallest |w| of all Conv2d and
  // Linear weights together (global ranking) are set to zero until this
  // fraction of them is zero, and they stay zero through every step.
  double prune_sparsity = 0.0;
};

// Trains `graph` on the dataset's Train split with Adam and cross-entropy on
// the graph's output (logits [n, classes]), in shuffled mini-batches,
// evaluating on the Validation split after every epoch; logs every epoch
// (spdlog and config.logdir) and saves the weights (torch::save of the
// module) to config.weights_path. A fresh start draws libtorch's default
// initialisation (what torch::nn::Conv2d and Linear do) node by node from
// the seed, which also seeds dropout and the sample order: deterministic for
// a given seed and thread count. Throws ConfigError for batches that are not
// one float32 [n, C, H, W] input of the graph's sample shape and one int64
// label in [0, classes) per sample, BackendError when libtorch fails, IoError
// when a file cannot be read or written.
std::vector<EpochStats> train(const NetGraph& graph, const TrainConfig& config, const Dataset& dataset);

// Writes the untrained weights train() starts from for `seed` (tests, speed
// benchmarks). IoError when the file cannot be written.
void save_initial_weights(const NetGraph& graph, const std::filesystem::path& weights_path, std::int64_t seed);

// The fraction of Conv2d and Linear weights (not biases) of `weights_path`
// that are exactly zero. IoError as load_params (net_torch_backend.h).
double weight_sparsity(const NetGraph& graph, const std::filesystem::path& weights_path);

}  // namespace kenning::net_torch
