#include "modelwrappers/cnn_torchscript_export.h"

#include <sstream>

#include <torch/script.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"

namespace kenning {

namespace {

std::string param_name(std::size_t index, const char* which) {
  return "layers_" + std::to_string(index) + "_" + which;
}

std::string int_pair(std::int64_t v) {
  return "[" + std::to_string(v) + ", " + std::to_string(v) + "]";
}

// A copy the module owns: `values` does not outlive the export.
torch::Tensor to_tensor(const std::vector<float>& values, const Shape& shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone();
}

// Same maths and op choice as CnnImpl::linear in cnn_torch_backend.cpp
// (1x1 convolution for batches > 1, which runs on oneDNN rather than the
// reference BLAS), so the export computes what the trained module computes,
// as fast.
constexpr const char* kLinearSource = R"(
def _linear(self, x, weight, bias):
    n = x.size(0)
    if x.dim() != 2 or n <= 1:
        return torch.linear(x, weight, bias)
    out_features = weight.size(0)
    in_features = weight.size(1)
    w = weight.view([out_features, in_features, 1, 1])
    return torch.conv2d(x.reshape([n, in_features, 1, 1]), w, bias).view([n, out_features])
)";

}  // namespace

std::string cnn_torchscript_source(const std::vector<CnnLayer>& layers) {
  std::string src = kLinearSource;
  src += "\ndef forward(self, input):\n    x = input\n";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const CnnLayer& l = layers[i];
    const std::string w = "self." + param_name(i, "weight");
    const std::string b = "self." + param_name(i, "bias");
    switch (l.kind) {
      case CnnLayerKind::Conv2d:
        src += "    x = torch.conv2d(x, " + w + ", " + b + ", " + int_pair(l.stride) + ", " +
               int_pair(l.padding) + ")\n";
        break;
      case CnnLayerKind::Relu:
        src += "    x = torch.relu(x)\n";
        break;
      case CnnLayerKind::MaxPool2d:
        src += "    x = torch.max_pool2d(x, " + int_pair(l.kernel) + ", " + int_pair(l.stride) + ")\n";
        break;
      case CnnLayerKind::Flatten:
        src += "    x = torch.flatten(x, 1)\n";
        break;
      case CnnLayerKind::Linear:
        src += "    x = self._linear(x, " + w + ", " + b + ")\n";
        break;
      case CnnLayerKind::Dropout:
        break;  // identity at inference
    }
  }
  src += "    return x\n";
  return src;
}

void export_cnn_to_torchscript(const std::vector<CnnLayer>& layers,
                               const std::vector<CnnLayerParams>& params,
                               const std::filesystem::path& path) {
  if (params.size() != layers.size()) {
    throw BackendError(path.string() + ": " + std::to_string(params.size()) +
                       " parameter sets for " + std::to_string(layers.size()) + " layers");
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!cnn_layer_has_params(layers[i].kind)) continue;
    try {
      check_cnn_layer_params(i, layers[i], params[i]);
    } catch (const BackendError& e) {
      throw BackendError(path.string() + ": " + e.what());
    }
  }
  std::ostringstream buffer;
  try {
    torch::jit::Module module("FashionMNISTCNN");
    for (std::size_t i = 0; i < layers.size(); ++i) {
      if (!cnn_layer_has_params(layers[i].kind)) continue;
      module.register_parameter(param_name(i, "weight"),
                                to_tensor(params[i].weight, params[i].weight_shape), false);
      module.register_parameter(param_name(i, "bias"),
                                to_tensor(params[i].bias, params[i].bias_shape), false);
    }
    module.define(cnn_torchscript_source(layers));
    module.eval();
    module.save(buffer);
  } catch (const c10::Error& e) {
    throw BackendError(path.string() + ": cannot build the TorchScript module: " +
                       e.what_without_backtrace());
  } catch (const std::exception& e) {
    // TorchScript compile errors (torch::jit::ErrorReport) are not c10::Errors.
    throw BackendError(path.string() + ": cannot build the TorchScript module: " + e.what());
  }
  write_file_atomically(path, buffer.str());
}

}  // namespace kenning
