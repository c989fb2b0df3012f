// The functions of net_torch_backend.h and net_torch_train.h, as the
// rest of kenning calls them: each passes the call on to the libtorch module
// (torch_module.h). The implementations of the same names live inside the
// module, which this unit is never linked into. One forwarder group per unit,
// so that a program linking an implementation statically (a test) never also
// pulls in its forwarder.
#include "modules/torch/torch_module.h"

namespace kenning {

namespace net_torch {

bool available() { return true; }  // built in; whether the module loads shows on first use

std::string torch_version() { return torch_module::api("reading libtorch's version").torch_version(); }

void create_weights(const NetGraph& graph, LinearInit linear, std::int64_t seed,
                    const std::filesystem::path& weights_path) {
  torch_module::api("creating weights").create_weights(graph, linear, seed, weights_path);
}

NetParams load_params(const NetGraph& graph, const std::filesystem::path& weights_path) {
  return torch_module::api("reading weights").load_params(graph, weights_path);
}

void export_onnx(const NetGraph& graph, const std::filesystem::path& weights_path,
                 const std::filesystem::path& onnx_path, const NetOnnxOptions& options) {
  torch_module::api("ONNX export").export_onnx(graph, weights_path, onnx_path, options);
}

void export_torchscript(const NetGraph& graph, const std::filesystem::path& weights_path,
                        const std::filesystem::path& ts_path) {
  torch_module::api("TorchScript export").export_torchscript(graph, weights_path, ts_path);
}

// Only reached for a Net the module made, so the module is loaded.
void NetDeleter::operator()(Net* net) const { torch_module::api("native inference").delete_net(net); }

NetPtr load_net(const NetGraph& graph, const std::filesystem::path& weights_path, std::int64_t num_threads) {
  return torch_module::api("native inference").load_net(graph, weights_path, num_threads);
}

Tensor forward(Net& net, const TensorView& input) { return torch_module::api("native inference").forward(net, input); }

std::vector<EpochStats> train(const NetGraph& graph, const TrainConfig& config, const Dataset& dataset) {
  return torch_module::api("training").train(graph, config, dataset);
}

void save_initial_weights(const NetGraph& graph, const std::filesystem::path& weights_path, std::int64_t seed) {
  torch_module::api("initialising weights").save_initial_weights(graph, weights_path, seed);
}

double weight_sparsity(const NetGraph& graph, const std::filesystem::path& weights_path) {
  return torch_module::api("reading weights").weight_sparsity(graph, weights_path);
}

}  // namespace net_torch

}  // namespace kenning
