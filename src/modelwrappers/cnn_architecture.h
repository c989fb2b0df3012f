// The Fashion-MNIST CNN as data: one table that the libtorch module
// (cnn_torch_backend.cpp) and the ONNX and TorchScript exporters
// (cnn_onnx_export.cpp, cnn_torchscript_export.cpp) are all built from, so
// the trained model and its exports cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning {

enum class CnnLayerKind { Conv2d, Relu, MaxPool2d, Flatten, Linear, Dropout };

struct CnnLayer {
  CnnLayerKind kind = CnnLayerKind::Relu;
  std::int64_t in = 0;   // input channels (Conv2d) or features (Linear)
  std::int64_t out = 0;  // output channels (Conv2d) or features (Linear)
  std::int64_t kernel = 0;   // Conv2d, MaxPool2d (square)
  std::int64_t stride = 1;   // Conv2d, MaxPool2d
  std::int64_t padding = 0;  // Conv2d (all sides)
  double dropout = 0;        // Dropout probability (identity at inference)
};

// conv(1->32,3x3,pad1)-relu-maxpool2-conv(32->64,3x3,pad1)-relu-maxpool2-
// flatten-linear(3136->128)-relu-dropout(0.3)-linear(128->10).
const std::vector<CnnLayer>& fashion_mnist_cnn_layers();

// One sample's input ([1, 28, 28]) and the number of classes (10).
inline constexpr std::int64_t kCnnChannels = 1;
inline constexpr std::int64_t kCnnImageSize = 28;
inline constexpr std::int64_t kCnnNumClasses = 10;

// {"input", [-1, 1, 28, 28], float32}: what the first layer takes.
TensorSpec cnn_input_spec();

// Weight and bias of one layer in PyTorch's layout (Conv2d weight
// [out, in, k, k], Linear weight [out, in], bias [out]); all empty for
// layers without parameters.
struct CnnLayerParams {
  std::vector<float> weight;
  Shape weight_shape;
  std::vector<float> bias;
  Shape bias_shape;
};

// True for the layer kinds that carry a weight and a bias.
bool cnn_layer_has_params(CnnLayerKind kind);
// Throws BackendError naming "layer <index> (<kind>)" when `p` does not have
// the weight and bias shapes (and value counts) layer `l` needs. Shared by
// the exporters, so every format rejects the same mismatches.
void check_cnn_layer_params(std::size_t index, const CnnLayer& l, const CnnLayerParams& p);
// "Conv2d", "Relu", ...
const char* cnn_layer_name(CnnLayerKind kind);

}  // namespace kenning
