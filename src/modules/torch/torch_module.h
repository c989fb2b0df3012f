// The libtorch half of kenning, as a module loaded on first use.
//
// libtorch's static initialisation costs about 0.7 s per process, so nothing
// but this module links it: `kenning list`, `kenning report`, the protocol
// server and every test that does not run libtorch start without it. Code
// outside the module reaches libtorch through the one table below; the
// forwarders (*_forwarder*.cpp) keep the usual entry points
// (net_torch::train, calibrate_ranges, ...) and the registries build the
// libtorch classes through it (Registry::add_built_by).
//
// Only built with KENNING_WITH_TORCH (which implies KENNING_WITH_ONNX).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "kenning/optimizer.h"
#include "modules/module_loader.h"
#include "kenning/runtime.h"
#include "nets/net_torch_backend.h"
#include "nets/net_torch_train.h"
#include "optimizers/activation_calibration.h"
#include "optimizers/constant_evaluation.h"
#include "optimizers/torchscript_optimizer.h"
#include "runtimes/onnx_exec_runtime.h"
#include "runtimes/torchscript_runtime.h"

namespace kenning::torch_module {

// Bumped whenever Api changes: a module from another build is refused.
inline constexpr std::uint32_t kAbiVersion = 1;

struct Api {
  std::uint32_t abi_version = 0;
  // nets/net_torch_backend.h, net_torch_train.h.
  decltype(&net_torch::torch_version) torch_version = nullptr;
  decltype(&net_torch::create_weights) create_weights = nullptr;
  decltype(&net_torch::load_params) load_params = nullptr;
  decltype(&net_torch::export_onnx) export_onnx = nullptr;
  decltype(&net_torch::export_torchscript) export_torchscript = nullptr;
  decltype(&net_torch::load_net) load_net = nullptr;
  void (*delete_net)(net_torch::Net*) = nullptr;
  decltype(&net_torch::forward) forward = nullptr;
  decltype(&net_torch::train) train = nullptr;
  decltype(&net_torch::save_initial_weights) save_initial_weights = nullptr;
  decltype(&net_torch::weight_sparsity) weight_sparsity = nullptr;
  // The int8 quantizer's calibration and the graph optimizer's constant
  // folding, both on our ONNX executor.
  decltype(&kenning::calibrate_ranges) calibrate_ranges = nullptr;
  decltype(&kenning::fold_constant_nodes) fold_constant_nodes = nullptr;
  // The registered classes whose code is libtorch.
  std::unique_ptr<Runtime> (*make_onnx_exec_runtime)(const ONNXExecRuntime::Params&) = nullptr;
  std::unique_ptr<Runtime> (*make_pytorch_runtime)(const PyTorchRuntime::Params&) = nullptr;
  std::unique_ptr<Optimizer> (*make_torchscript_optimizer)(const TorchScriptOptimizer::Params&) = nullptr;
};

// The module: build/lib/kenning/libkenning_torch.so, or $KENNING_TORCH_MODULE
// (modules/module_loader.h); module_entry.cpp exports the entry symbol.
inline constexpr modules::ModuleSpec kModule{"libkenning_torch.so", "KENNING_TORCH_MODULE", "kenning_torch_module_v1",
                                             kAbiVersion, "libtorch"};

inline std::filesystem::path module_file() { return modules::module_file(kModule); }

// The table, loading the module on the first call. When it cannot be loaded,
// throws NotSupported: "<what> needs libtorch, and " + why.
inline const Api& api(std::string_view what) { return modules::module_api<Api>(kModule, what); }

}  // namespace kenning::torch_module
