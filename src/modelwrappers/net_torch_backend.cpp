// libtorch implementation of net_torch_backend.h: the NetGraph as a
// torch::nn::Module whose forward walks the nodes with aten ops.
#include "modelwrappers/net_torch_backend.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <thread>

#include <torch/torch.h>
#include <torch/version.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "modelwrappers/net_torchscript_export.h"

namespace kenning::net_torch {

namespace {

// Parameters of one node, bound after construction and after loading.
struct NodeTensors {
  torch::Tensor weight, bias, running_mean, running_var;
};

// Same maths as Linear, as a 1x1 convolution for batches > 1: Debian's
// libtorch runs matmul on the reference BLAS, convolutions on oneDNN (which
// only takes batches > 1). The TorchScript export generates the same.
torch::Tensor linear(const torch::Tensor& x, const NodeTensors& p) {
  const std::int64_t n = x.size(0);
  if (n <= 1) return torch::nn::functional::linear(x, p.weight, p.bias);
  const std::int64_t out = p.weight.size(0);
  const std::int64_t in = p.weight.size(1);
  return torch::conv2d(x.reshape({n, in, 1, 1}), p.weight.view({out, in, 1, 1}), p.bias).view({n, out});
}

// One child module per node with parameters, named after the node with '.'
// -> '_' (torch::nn names cannot hold dots): "features_0_0.weight", ...
// torch::save / torch::load write and read these by name.
struct NetModuleImpl : torch::nn::Module {
  explicit NetModuleImpl(NetGraph g)
      : graph(std::move(g)), inputs(resolve_net_inputs(graph)), release(net_release_after(graph)) {
    std::map<std::string, std::shared_ptr<torch::nn::Module>> children;
    for (const NetParamDecl& d : net_param_decls(graph)) {
      auto& child = children[d.node];
      if (!child) {
        child = register_module(net_torchscript_attribute(d.node), std::make_shared<torch::nn::Module>());
      }
      torch::Tensor t = torch::zeros(d.shape);
      if (d.buffer) {
        child->register_buffer(d.field, t);
      } else {
        child->register_parameter(d.field, t);
      }
    }
    bind();
  }

  // Caches every node's tensors (after torch::load too, to be safe).
  void bind() {
    tensors.assign(graph.nodes.size(), {});
    const auto children = named_children();  // find() points into it
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      const auto child = children.find(net_torchscript_attribute(graph.nodes[i].name));
      if (child == nullptr) continue;
      NodeTensors& t = tensors[i];
      for (const auto& item : (*child)->named_parameters(false)) {
        (item.key() == "weight" ? t.weight : t.bias) = item.value();
      }
      for (const auto& item : (*child)->named_buffers(false)) {
        (item.key() == "running_mean" ? t.running_mean : t.running_var) = item.value();
      }
    }
  }

  // With `calibrate`, every BatchNorm2d first takes its input's per-channel
  // mean and (biased) variance as its running statistics.
  torch::Tensor forward(const torch::Tensor& input, bool calibrate = false) {
    std::vector<torch::Tensor> values(graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      const NetNode& n = graph.nodes[i];
      const NodeTensors& p = tensors[i];
      auto in = [&](int k) -> const torch::Tensor& {
        const int j = inputs[i][static_cast<std::size_t>(k)];
        return j < 0 ? input : values[static_cast<std::size_t>(j)];
      };
      const torch::Tensor& x = in(0);
      torch::Tensor y;
      switch (n.op) {
        case NetOp::Conv2d:
          y = torch::conv2d(x, p.weight, p.bias, {n.stride, n.stride}, {n.padding, n.padding}, {1, 1}, n.groups);
          break;
        case NetOp::BatchNorm2d:
          if (calibrate) {
            p.running_mean.copy_(x.mean({0, 2, 3}));
            p.running_var.copy_(x.var({0, 2, 3}, /*unbiased=*/false));
          }
          y = torch::batch_norm(x, p.weight, p.bias, p.running_mean, p.running_var, false, 0.1, n.eps, true);
          break;
        case NetOp::Relu: y = torch::relu(x); break;
        case NetOp::Relu6: y = torch::clamp(x, 0.0, 6.0); break;
        case NetOp::Add: y = torch::add(x, in(1)); break;
        case NetOp::GlobalAvgPool: y = torch::adaptive_avg_pool2d(x, {1, 1}); break;
        case NetOp::MaxPool: y = torch::max_pool2d(x, {n.kernel, n.kernel}, {n.stride, n.stride}, {n.padding, n.padding});
          break;
        case NetOp::Flatten: y = torch::flatten(x, 1); break;
        case NetOp::Linear: y = linear(x, p); break;
      }
      values[i] = std::move(y);
      for (int j : release[i]) values[static_cast<std::size_t>(j)].reset();
    }
    return values.back();
  }

  NetGraph graph;
  std::vector<std::vector<int>> inputs;
  std::vector<std::vector<int>> release;
  std::vector<NodeTensors> tensors;
};
TORCH_MODULE(NetModule);

std::string torch_message(const c10::Error& e) { return e.what_without_backtrace(); }

void set_threads(std::int64_t num_threads) {
  const std::int64_t n =
      num_threads > 0 ? num_threads : std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  torch::set_num_threads(static_cast<int>(n));
}

torch::Tensor to_torch(const NetTensor& t) {
  return torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32).clone();
}

NetTensor to_net(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  const float* p = c.data_ptr<float>();
  return {c.sizes().vec(), std::vector<float>(p, p + c.numel())};
}

// Every declared tensor of the module, by parameter name.
NetParams params_of(const NetModule& net) {
  NetParams out;
  const auto tensors = net->named_parameters();
  const auto buffers = net->named_buffers();
  for (const NetParamDecl& d : net_param_decls(net->graph)) {
    const std::string key = net_torchscript_attribute(d.node) + "." + d.field;
    const torch::Tensor* t = d.buffer ? buffers.find(key) : tensors.find(key);
    if (t != nullptr) out[d.name] = to_net(*t);
  }
  return out;
}

NetModule load_module(const NetGraph& graph, const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError(path.string() + ": weights file not found");
  NetModule net(graph);
  const std::string what = path.string() + ": not weights of net '" + graph.name + "': ";
  try {
    torch::load(net, path.string());
  } catch (const c10::Error& e) {
    throw IoError(what + torch_message(e));
  }
  // torch::load replaces tensors whatever their shape; this catches weights
  // of another width or class count.
  try {
    check_net_params(graph, params_of(net));
  } catch (const BackendError& e) {
    throw IoError(what + e.what());
  }
  net->bind();
  net->eval();
  return net;
}

}  // namespace

bool available() { return true; }
std::string torch_version() { return TORCH_VERSION; }

void create_weights(const NetGraph& graph, LinearInit linear, std::int64_t seed,
                    const std::filesystem::path& weights_path) {
  const NetParams params = init_net_params(graph, seed, linear);
  std::ostringstream buffer;
  try {
    torch::NoGradGuard no_grad;
    NetModule net(graph);
    auto tensors = net->named_parameters();
    auto buffers = net->named_buffers();
    for (const NetParamDecl& d : net_param_decls(graph)) {
      const std::string key = net_torchscript_attribute(d.node) + "." + d.field;
      (d.buffer ? buffers[key] : tensors[key]).copy_(to_torch(params.at(d.name)));
    }
    constexpr std::int64_t kSamples = 4;
    std::vector<float> input = net_calibration_input(graph, seed, kSamples);
    Shape shape = graph.input_shape;
    shape.insert(shape.begin(), kSamples);
    net->forward(torch::from_blob(input.data(), shape, torch::kFloat32), /*calibrate=*/true);
    torch::save(net, buffer);
  } catch (const c10::Error& e) {
    throw BackendError("net '" + graph.name + "': cannot create weights: " + torch_message(e));
  }
  write_file_atomically(weights_path, buffer.str());
}

NetParams load_params(const NetGraph& graph, const std::filesystem::path& weights_path) {
  return params_of(load_module(graph, weights_path));
}

void export_onnx(const NetGraph& graph, const std::filesystem::path& weights_path,
                 const std::filesystem::path& onnx_path, const NetOnnxOptions& options) {
  export_net_to_onnx(graph, load_params(graph, weights_path), onnx_path, options);
}

void export_torchscript(const NetGraph& graph, const std::filesystem::path& weights_path,
                        const std::filesystem::path& ts_path) {
  export_net_to_torchscript(graph, load_params(graph, weights_path), ts_path);
}

class Net {
 public:
  explicit Net(NetModule m) : module(std::move(m)) {}
  NetModule module;
};

void NetDeleter::operator()(Net* net) const { delete net; }

NetPtr load_net(const NetGraph& graph, const std::filesystem::path& weights_path,
                std::int64_t num_threads) {
  set_threads(num_threads);
  return NetPtr(new Net(load_module(graph, weights_path)));
}

Tensor forward(Net& net, const TensorView& input) {
  try {
    torch::NoGradGuard no_grad;
    auto* data = const_cast<std::byte*>(input.bytes().data());
    const torch::Tensor x = torch::from_blob(data, input.shape(), torch::kFloat32);
    const torch::Tensor y = net.module->forward(x).contiguous();
    Tensor out(DType::Float32, y.sizes().vec());
    std::memcpy(out.bytes().data(), y.data_ptr<float>(), out.nbytes());
    return out;
  } catch (const c10::Error& e) {
    throw BackendError("net '" + net.module->graph.name + "' inference failed: " + torch_message(e));
  }
}

}  // namespace kenning::net_torch
