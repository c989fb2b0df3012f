// The NetGraph as a torch::nn::Module, shared by the libtorch units of this
// library (net_torch_backend.cpp: weights, inference, export;
// net_torch_train.cpp: training). Includes <torch/torch.h>: only those units
// may include it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "nets/net_graph.h"

namespace kenning::net_torch::detail {

// Parameters of one node, bound after construction and after loading.
struct NodeTensors {
  torch::Tensor weight, bias, running_mean, running_var;
  // By NetParamDecl::field.
  torch::Tensor& operator[](const std::string& field) {
    if (field == "weight") return weight;
    if (field == "bias") return bias;
    return field == "running_mean" ? running_mean : running_var;
  }
};

// Same maths as Linear, as a 1x1 convolution for batches > 1: Debian's
// libtorch runs matmul on the reference BLAS, convolutions on oneDNN (which
// only takes batches > 1). The TorchScript export generates the same.
inline torch::Tensor linear(const torch::Tensor& x, const NodeTensors& p) {
  const std::int64_t n = x.size(0);
  if (n <= 1) return torch::nn::functional::linear(x, p.weight, p.bias);
  const std::int64_t out = p.weight.size(0);
  const std::int64_t in = p.weight.size(1);
  return torch::conv2d(x.reshape({n, in, 1, 1}), p.weight.view({out, in, 1, 1}), p.bias).view({n, out});
}

// One child module per dotted part of the node names that hold parameters,
// nested as torch.nn's modules are ("layers" -> "0" -> weight), so that
// torch::save / torch::load write and read the state-dict names PyTorch
// would ("layers.0.weight", "features.1.conv.0.0.weight").
struct NetModuleImpl : torch::nn::Module {
  explicit NetModuleImpl(NetGraph g)
      : graph(std::move(g)), inputs(resolve_net_inputs(graph)), release(net_release_after(graph)) {
    std::map<std::string, torch::nn::Module*> made;
    for (const NetParamDecl& d : net_param_decls(graph)) {
      torch::nn::Module& child = submodule(made, d.node);
      torch::Tensor t = torch::zeros(d.shape);
      if (d.buffer) {
        child.register_buffer(d.field, t);
      } else {
        child.register_parameter(d.field, t);
      }
    }
    bind();
  }

  // Caches every node's tensors (after torch::load too, to be safe).
  void bind() {
    tensors.assign(graph.nodes.size(), {});
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) index[graph.nodes[i].name] = i;
    const auto params = named_parameters();
    const auto buffers = named_buffers();
    for (const NetParamDecl& d : net_param_decls(graph)) {
      const torch::Tensor* t = d.buffer ? buffers.find(d.name) : params.find(d.name);
      if (t == nullptr) continue;
      tensors[index.at(d.node)][d.field] = *t;
    }
  }

  // In training mode BatchNorm2d normalises by batch statistics and updates
  // its running ones, and Dropout drops. With `calibrate` (eval mode), every
  // BatchNorm2d first takes its input's per-channel mean and (biased)
  // variance as its running statistics.
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
          y = torch::batch_norm(x, p.weight, p.bias, p.running_mean, p.running_var, is_training(), 0.1, n.eps, true);
          break;
        case NetOp::Relu:
          y = torch::relu(x);
          break;
        case NetOp::Relu6:
          y = torch::clamp(x, 0.0, 6.0);
          break;
        case NetOp::Add:
          y = torch::add(x, in(1));
          break;
        case NetOp::GlobalAvgPool:
          y = torch::adaptive_avg_pool2d(x, {1, 1});
          break;
        case NetOp::MaxPool:
          y = torch::max_pool2d(x, {n.kernel, n.kernel}, {n.stride, n.stride}, {n.padding, n.padding});
          break;
        case NetOp::Flatten:
          y = torch::flatten(x, 1);
          break;
        case NetOp::Linear:
          y = linear(x, p);
          break;
        case NetOp::Dropout:
          y = torch::dropout(x, n.dropout, is_training());
          break;
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

 private:
  // The module at dotted `path` below this one, made (with its parents) on
  // first use; `made` remembers them by path.
  torch::nn::Module& submodule(std::map<std::string, torch::nn::Module*>& made, const std::string& path) {
    if (const auto it = made.find(path); it != made.end()) return *it->second;
    const auto dot = path.rfind('.');
    torch::nn::Module& parent = dot == std::string::npos ? *this : submodule(made, path.substr(0, dot));
    const std::string name = dot == std::string::npos ? path : path.substr(dot + 1);
    torch::nn::Module* child = parent.register_module(name, std::make_shared<torch::nn::Module>()).get();
    made[path] = child;
    return *child;
  }
};
TORCH_MODULE(NetModule);

std::string torch_message(const c10::Error& e);
// `num_threads` 0 means all cores.
void set_threads(std::int64_t num_threads);
// The module of `graph` with the weights in `path`, checked, in eval mode.
// IoError naming the file when it is missing or not weights of this graph.
NetModule load_module(const NetGraph& graph, const std::filesystem::path& path);
// torch::save of `net` to `path`, written atomically. BackendError when
// libtorch cannot serialize it, IoError when the file cannot be written.
void save_module(const NetModule& net, const std::filesystem::path& path);

}  // namespace kenning::net_torch::detail
