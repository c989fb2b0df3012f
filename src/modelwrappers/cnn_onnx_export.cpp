#include "modelwrappers/cnn_onnx_export.h"

#include "kenning/core/error.h"
#include "onnx/onnx_graph_builder.h"

namespace kenning {

void export_cnn_to_onnx(const std::vector<CnnLayer>& layers,
                        const std::vector<CnnLayerParams>& params,
                        const std::filesystem::path& path) {
  if (params.size() != layers.size()) {
    throw BackendError(path.string() + ": " + std::to_string(params.size()) +
                       " parameter sets for " + std::to_string(layers.size()) + " layers");
  }
  OnnxGraphBuilder b("kenning_fashion_mnist_cnn", 13);
  b.add_input(kCnnInputName, DType::Float32, {-1, kCnnChannels, kCnnImageSize, kCnnImageSize});

  // Index of the last layer that emits a node: its output is the graph output.
  std::size_t last = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].kind != CnnLayerKind::Dropout) last = i;
  }

  std::string current = kCnnInputName;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const CnnLayer& l = layers[i];
    if (l.kind == CnnLayerKind::Dropout) continue;
    // Names follow the torch module's parameter names ("layers.0.weight").
    const std::string prefix = "layers." + std::to_string(i);
    const std::string out = i == last ? kCnnOutputName : prefix + ".out";
    std::vector<std::string> inputs = {current};
    if (cnn_layer_has_params(l.kind)) {
      check_cnn_layer_params(i, l, params[i]);
      b.add_initializer(prefix + ".weight", params[i].weight, params[i].weight_shape);
      b.add_initializer(prefix + ".bias", params[i].bias, params[i].bias_shape);
      inputs.push_back(prefix + ".weight");
      inputs.push_back(prefix + ".bias");
    }
    switch (l.kind) {
      case CnnLayerKind::Conv2d:
        b.add_node("Conv", inputs, {out},
                   {{"kernel_shape", std::vector<std::int64_t>{l.kernel, l.kernel}},
                    {"strides", std::vector<std::int64_t>{l.stride, l.stride}},
                    {"pads", std::vector<std::int64_t>{l.padding, l.padding, l.padding, l.padding}}},
                   prefix);
        break;
      case CnnLayerKind::Relu:
        b.add_node("Relu", inputs, {out}, {}, prefix);
        break;
      case CnnLayerKind::MaxPool2d:
        b.add_node("MaxPool", inputs, {out},
                   {{"kernel_shape", std::vector<std::int64_t>{l.kernel, l.kernel}},
                    {"strides", std::vector<std::int64_t>{l.stride, l.stride}}},
                   prefix);
        break;
      case CnnLayerKind::Flatten:
        b.add_node("Flatten", inputs, {out}, {{"axis", std::int64_t{1}}}, prefix);
        break;
      case CnnLayerKind::Linear:
        b.add_node("Gemm", inputs, {out}, {{"transB", std::int64_t{1}}}, prefix);
        break;
      case CnnLayerKind::Dropout:
        break;
    }
    current = out;
  }
  b.add_output(kCnnOutputName, DType::Float32, {-1, kCnnNumClasses});
  b.save(path);
}

}  // namespace kenning
