// libtorch implementation of net_torch_backend.h, on the NetGraph module of
// net_torch_module.h.
#include "nets/net_torch_backend.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <thread>

#include <torch/torch.h>
#include <torch/version.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "nets/net_torch_module.h"
#include "nets/net_torchscript_export.h"

namespace kenning::net_torch {

namespace detail {

std::string torch_message(const c10::Error& e) { return e.what_without_backtrace(); }

void set_threads(std::int64_t num_threads) {
  const std::int64_t n = num_threads > 0 ? num_threads : std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  torch::set_num_threads(static_cast<int>(n));
}

}  // namespace detail

namespace {

using detail::NetModule;
using detail::torch_message;

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
    const torch::Tensor* t = d.buffer ? buffers.find(d.name) : tensors.find(d.name);
    if (t != nullptr) out[d.name] = to_net(*t);
  }
  return out;
}

}  // namespace

namespace detail {

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

void save_module(const NetModule& net, const std::filesystem::path& path) {
  std::ostringstream buffer;
  try {
    torch::save(net, buffer);
  } catch (const c10::Error& e) {
    throw BackendError(path.string() + ": cannot serialize weights: " + torch_message(e));
  }
  write_file_atomically(path, buffer.str());
}

}  // namespace detail

bool available() { return true; }
std::string torch_version() { return TORCH_VERSION; }

void create_weights(const NetGraph& graph, LinearInit linear, std::int64_t seed,
                    const std::filesystem::path& weights_path) {
  const NetParams params = init_net_params(graph, seed, linear);
  NetModule net(nullptr);
  try {
    torch::NoGradGuard no_grad;
    net = NetModule(graph);
    auto tensors = net->named_parameters();
    auto buffers = net->named_buffers();
    for (const NetParamDecl& d : net_param_decls(graph)) {
      (d.buffer ? buffers[d.name] : tensors[d.name]).copy_(to_torch(params.at(d.name)));
    }
    constexpr std::int64_t kSamples = 4;
    std::vector<float> input = net_calibration_input(graph, seed, kSamples);
    Shape shape = graph.input_shape;
    shape.insert(shape.begin(), kSamples);
    net->eval();  // calibration sets the running statistics; eval mode only reads them
    net->forward(torch::from_blob(input.data(), shape, torch::kFloat32), /*calibrate=*/true);
  } catch (const c10::Error& e) {
    throw BackendError("net '" + graph.name + "': cannot create weights: " + torch_message(e));
  }
  detail::save_module(net, weights_path);
}

NetParams load_params(const NetGraph& graph, const std::filesystem::path& weights_path) {
  return params_of(detail::load_module(graph, weights_path));
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

NetPtr load_net(const NetGraph& graph, const std::filesystem::path& weights_path, std::int64_t num_threads) {
  detail::set_threads(num_threads);
  return NetPtr(new Net(detail::load_module(graph, weights_path)));
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
