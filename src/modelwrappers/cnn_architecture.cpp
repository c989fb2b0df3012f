#include "modelwrappers/cnn_architecture.h"

#include "kenning/core/error.h"

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

void check_cnn_layer_params(std::size_t index, const CnnLayer& l, const CnnLayerParams& p) {
  const std::string where = "layer " + std::to_string(index) + " (" + cnn_layer_name(l.kind) + ")";
  const Shape weight = l.kind == CnnLayerKind::Conv2d ? Shape{l.out, l.in, l.kernel, l.kernel}
                                                      : Shape{l.out, l.in};
  const Shape bias = {l.out};
  if (p.weight_shape != weight || p.bias_shape != bias) {
    throw BackendError(where + ": parameters have weight " + shape_to_string(p.weight_shape) +
                       " and bias " + shape_to_string(p.bias_shape) + ", expected " +
                       shape_to_string(weight) + " and " + shape_to_string(bias));
  }
  if (static_cast<std::int64_t>(p.weight.size()) != shape_numel(weight) ||
      static_cast<std::int64_t>(p.bias.size()) != shape_numel(bias)) {
    throw BackendError(where + ": parameter value counts do not match their shapes");
  }
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
