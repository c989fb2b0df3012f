#include "nets/net_torchscript_export.h"

#include <algorithm>
#include <sstream>

#include <torch/script.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"

namespace kenning {

namespace {

std::string pair(std::int64_t v) { return "[" + std::to_string(v) + ", " + std::to_string(v) + "]"; }

std::string attr(const NetNode& n, const char* field) {
  return "self." + net_torchscript_attribute(n.name + "." + field);
}

// Same maths and op choice as linear() in net_torch_backend.cpp: Debian's
// libtorch runs matmul on the reference BLAS, convolutions on oneDNN, which
// only takes batches > 1.
constexpr const char* kLinearSource = R"(
def _linear(self, x, weight, bias):
    n = x.size(0)
    if n <= 1:
        return torch.linear(x, weight, bias)
    out_features = weight.size(0)
    in_features = weight.size(1)
    w = weight.view([out_features, in_features, 1, 1])
    return torch.conv2d(x.reshape([n, in_features, 1, 1]), w, bias).view([n, out_features])
)";

std::string statement(const NetNode& n, const std::vector<std::string>& in) {
  const std::string& x = in[0];
  switch (n.op) {
    case NetOp::Conv2d:
      return "torch.conv2d(" + x + ", " + attr(n, "weight") + ", " + (n.bias ? attr(n, "bias") : "None") + ", " +
             pair(n.stride) + ", " + pair(n.padding) + ", [1, 1], " + std::to_string(n.groups) + ")";
    case NetOp::BatchNorm2d: {
      std::ostringstream eps;
      eps.precision(17);
      eps << n.eps;
      return "torch.batch_norm(" + x + ", " + attr(n, "weight") + ", " + attr(n, "bias") + ", " +
             attr(n, "running_mean") + ", " + attr(n, "running_var") + ", False, 0.1, " + eps.str() + ", True)";
    }
    case NetOp::Relu:
      return "torch.relu(" + x + ")";
    case NetOp::Relu6:
      return "torch.clamp(" + x + ", 0.0, 6.0)";
    case NetOp::Add:
      return "torch.add(" + x + ", " + in[1] + ")";
    case NetOp::GlobalAvgPool:
      return "torch.adaptive_avg_pool2d(" + x + ", [1, 1])";
    case NetOp::MaxPool:
      return "torch.max_pool2d(" + x + ", " + pair(n.kernel) + ", " + pair(n.stride) + ", " + pair(n.padding) + ")";
    case NetOp::Flatten:
      return "torch.flatten(" + x + ", 1)";
    case NetOp::Linear:
      return "self._linear(" + x + ", " + attr(n, "weight") + ", " + attr(n, "bias") + ")";
    case NetOp::Dropout:
      return x;  // identity at inference
  }
  return "";
}

// A copy the module owns: `values` does not outlive the export.
torch::Tensor to_tensor(const NetTensor& t) {
  return torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32).clone();
}

}  // namespace

std::string net_torchscript_attribute(const std::string& param_name) {
  std::string s = param_name;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

std::string net_torchscript_source(const NetGraph& graph) {
  const auto inputs = resolve_net_inputs(graph);
  std::string src = kLinearSource;
  src += "\ndef forward(self, input):\n";
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    std::vector<std::string> in;
    for (int j : inputs[i]) in.push_back(j < 0 ? "input" : "v" + std::to_string(j));
    src += "    v" + std::to_string(i) + " = " + statement(graph.nodes[i], in) + "\n";
  }
  src += "    return v" + std::to_string(graph.nodes.size() - 1) + "\n";
  return src;
}

void export_net_to_torchscript(const NetGraph& graph, const NetParams& params, const std::filesystem::path& path) {
  try {
    infer_net_shapes(graph);
    check_net_params(graph, params);
  } catch (const Error& e) {
    throw BackendError(path.string() + ": " + e.what());
  }
  std::ostringstream buffer;
  try {
    torch::jit::Module module("Kenning_" + net_torchscript_attribute(graph.name));
    for (const NetParamDecl& d : net_param_decls(graph)) {
      const std::string name = net_torchscript_attribute(d.name);
      if (d.buffer) {
        module.register_buffer(name, to_tensor(params.at(d.name)));
      } else {
        module.register_parameter(name, to_tensor(params.at(d.name)), false);
      }
    }
    module.define(net_torchscript_source(graph));
    module.eval();
    module.save(buffer);
  } catch (const c10::Error& e) {
    throw BackendError(path.string() + ": cannot build the TorchScript module: " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    // TorchScript compile errors (torch::jit::ErrorReport) are not c10::Errors.
    throw BackendError(path.string() + ": cannot build the TorchScript module: " + e.what());
  }
  write_file_atomically(path, buffer.str());
}

}  // namespace kenning
