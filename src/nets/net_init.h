// Deterministic starting weights for a NetGraph, from a seed alone: there are
// no pretrained weights in this project, and speed runs and conversion checks
// only need weights that are reproducible and exercise every op. Plain C++
// (own normal/uniform draws over std::mt19937_64), so the values do not
// depend on the libtorch version or thread count.
#pragma once

#include <cstdint>

#include "nets/net_graph.h"

namespace kenning {

// How Linear layers start; convolutions and BatchNorm start the same way in
// both torchvision networks.
enum class LinearInit {
  Normal001,       // N(0, 0.01), bias 0 (torchvision MobileNetV2)
  PyTorchDefault,  // U(-1/sqrt(in), 1/sqrt(in)) for weight and bias (ResNet's fc)
};

// Conv2d weights: Kaiming normal, fan_out mode, gain sqrt(2) (torchvision);
// Conv2d biases (none in the zoo's nets): PyTorch's default uniform.
// BatchNorm2d: weight U(0.5, 1.5), bias U(-0.2, 0.2), running_mean
// U(-0.1, 0.1), running_var U(0.5, 1.5) instead of torchvision's 1/0/0/1, so
// that an exporter mixing up any of the four is caught; net_torch::
// create_weights then replaces the running statistics with calibrated ones.
// Every tensor draws from its own stream seeded by (seed, parameter name), so
// adding a node does not change the others' values.
NetParams init_net_params(const NetGraph& graph, std::int64_t seed, LinearInit linear);

// `samples` inputs of the graph's sample shape, uniform in [0, 1) like the
// random_tensors dataset's: the batch BatchNorm statistics are calibrated on.
std::vector<float> net_calibration_input(const NetGraph& graph, std::int64_t seed, std::int64_t samples);

}  // namespace kenning
