#include "cnn_architecture.h"

namespace kenning {

const std::vector<CnnLayer>& fashion_mnist_cnn_layers() {
  using K = CnnLayerKind;
  // Two 2x2 poolings take 28x28 to 7x7, hence 64 * 7 * 7 = 3136 features.
  // No BatchNorm: it would need its own export and buys little here.
  static const std::vector<CnnLayer> layers = {
      {.kind = K::Conv2d, .in = 1, .out = 32, .kernel = 3, .stride = 1, .padding = 1},
      {.kind = K::Relu},
      {.kind = K::MaxPool2d, .kernel = 2, .stride = 2},
      {.kind = K::Conv2d, .in = 32, .out = 64, .kernel = 3, .stride = 1, .padding = 1},
      {.kind = K::Relu},
      {.kind = K::MaxPool2d, .kernel = 2, .stride = 2},
      {.kind = K::Flatten},
      {.kind = K::Linear, .in = 64 * 7 * 7, .out = 128},
      {.kind = K::Relu},
      {.kind = K::Dropout, .dropout = 0.3},
      {.kind = K::Linear, .in = 128, .out = kCnnNumClasses},
  };
  return layers;
}

TensorSpec cnn_input_spec() {
  TensorSpec spec;
  spec.name = "input";
  spec.shape = {-1, kCnnChannels, kCnnImageSize, kCnnImageSize};
  spec.dtype = DType::Float32;
  return spec;
}

bool cnn_layer_has_params(CnnLayerKind kind) {
  return kind == CnnLayerKind::Conv2d || kind == CnnLayerKind::Linear;
}

const char* cnn_layer_name(CnnLayerKind kind) {
  switch (kind) {
    case CnnLayerKind::Conv2d: return "Conv2d";
    case CnnLayerKind::Relu: return "Relu";
    case CnnLayerKind::MaxPool2d: return "MaxPool2d";
    case CnnLayerKind::Flatten: return "Flatten";
    case CnnLayerKind::Linear: return "Linear";
    case CnnLayerKind::Dropout: return "Dropout";
  }
  return "?";
}

}  // namespace kenning
