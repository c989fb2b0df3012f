// The networks the model wrappers run, written as NetGraphs: MobileNetV2 and
// ResNet with torchvision's layouts and parameter names, so the .pt files,
// ONNX initializers and TorchScript attributes line up with torchvision's
// state dicts, and the project's Fashion-MNIST CNN.
#pragma once

#include <cstdint>

#include "nets/net_graph.h"

namespace kenning {

// torchvision's mobilenet_v2: a 3x3 stride-2 stem (32 channels), 17 inverted
// residual blocks (expansion 6 except the first: 1x1 expand, 3x3 depthwise,
// 1x1 linear projection, residual Add when stride 1 and channels match),
// a 1x1 conv to 1280 channels, global average pool, Linear. Channel counts
// are scaled by `width_mult` and rounded to multiples of 8 as torchvision
// does; the last conv never narrows below 1280. Activations are Relu6.
// Dropout (identity at inference) is left out. Input [3, input_size,
// input_size]; ConfigError when the sizes leave no pixel to pool.
NetGraph mobilenet_v2_graph(double width_mult, std::int64_t num_classes, std::int64_t input_size);

// ResNet-style: 7x7 stride-2 conv stem, BN, Relu, 3x3 stride-2 max pool, four
// stages of BasicBlocks (3x3 conv-BN-Relu, 3x3 conv-BN, Add, Relu; the first
// block of stages 2-4 strides by 2 with a 1x1 conv + BN downsample), global
// average pool, Linear. `depth` 18 gives ResNet-18 ([2, 2, 2, 2] blocks), 34
// ResNet-34 ([3, 4, 6, 3]), 10 one block per stage; stage widths are
// base_width x 1, 2, 4, 8 (64 in torchvision). ConfigError for other depths.
NetGraph resnet_graph(std::int64_t depth, std::int64_t base_width, std::int64_t num_classes, std::int64_t input_size);

// The Fashion-MNIST classifier: conv(1->32, 3x3, pad 1)-relu-maxpool2-
// conv(32->64, 3x3, pad 1)-relu-maxpool2-flatten-linear(3136->128)-relu-
// dropout(0.3)-linear(128->10), on [1, 28, 28] inputs (two 2x2 poolings take
// 28x28 to 7x7, hence 64 * 7 * 7 = 3136 features). No BatchNorm: it buys
// little here. Nodes are named "layers.<index>" after the torch::nn::
// Sequential it was first written as, so the parameters keep the state-dict
// names of the committed models/fashion-mnist-cnn.pt ("layers.0.weight").
NetGraph fashion_mnist_cnn_graph();

// torchvision's _make_divisible: `v` rounded to the nearest multiple of
// `divisor`, at least `divisor`, and never more than 10% below `v`.
std::int64_t make_divisible(double v, std::int64_t divisor = 8);

}  // namespace kenning
