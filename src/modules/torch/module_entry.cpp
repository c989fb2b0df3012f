// The module's one exported symbol: the table of torch_module.h, filled with
// the libtorch implementations linked into this module.
#include "modules/torch/torch_module.h"

namespace kenning::torch_module {
namespace {

void delete_net(net_torch::Net* net) { net_torch::NetDeleter{}(net); }

std::unique_ptr<Runtime> make_onnx_exec_runtime(const ONNXExecRuntime::Params& params) {
  return std::make_unique<ONNXExecRuntime>(params);
}

std::unique_ptr<Runtime> make_pytorch_runtime(const PyTorchRuntime::Params& params) {
  return std::make_unique<PyTorchRuntime>(params);
}

std::unique_ptr<Optimizer> make_torchscript_optimizer(const TorchScriptOptimizer::Params& params) {
  return std::make_unique<TorchScriptOptimizer>(params);
}

Api make_api() {
  Api api;
  api.abi_version = kAbiVersion;
  api.torch_version = &net_torch::torch_version;
  api.create_weights = &net_torch::create_weights;
  api.load_params = &net_torch::load_params;
  api.export_onnx = &net_torch::export_onnx;
  api.export_torchscript = &net_torch::export_torchscript;
  api.load_net = &net_torch::load_net;
  api.delete_net = &delete_net;
  api.forward = &net_torch::forward;
  api.train = &net_torch::train;
  api.save_initial_weights = &net_torch::save_initial_weights;
  api.weight_sparsity = &net_torch::weight_sparsity;
  api.calibrate_ranges = &calibrate_ranges;
  api.fold_constant_nodes = &fold_constant_nodes;
  api.make_onnx_exec_runtime = &make_onnx_exec_runtime;
  api.make_pytorch_runtime = &make_pytorch_runtime;
  api.make_torchscript_optimizer = &make_torchscript_optimizer;
  return api;
}

}  // namespace
}  // namespace kenning::torch_module

extern "C" __attribute__((visibility("default"))) const kenning::torch_module::Api* kenning_torch_module_v1() {
  static const kenning::torch_module::Api api = kenning::torch_module::make_api();
  return &api;
}
