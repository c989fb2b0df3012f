// net_torch_backend.h and net_torch_train.h for builds without libtorch: the
// wrappers still offer their I/O spec and pre- and post-processing;
// everything needing torch says why not.
#include "kenning/core/error.h"
#include "nets/net_torch_backend.h"
#include "nets/net_torch_train.h"

namespace kenning::net_torch {

namespace {
[[noreturn]] void unsupported(const std::string& what) {
  throw NotSupported(what + " needs libtorch; kenning-cpp was built without KENNING_WITH_TORCH");
}
}  // namespace

bool available() { return false; }
std::string torch_version() { return "n/a"; }

void create_weights(const NetGraph&, LinearInit, std::int64_t, const std::filesystem::path&) {
  unsupported("creating weights");
}
NetParams load_params(const NetGraph&, const std::filesystem::path&) { unsupported("reading weights"); }
void export_onnx(const NetGraph&, const std::filesystem::path&, const std::filesystem::path&, const NetOnnxOptions&) {
  unsupported("ONNX export");
}
void export_torchscript(const NetGraph&, const std::filesystem::path&, const std::filesystem::path&) {
  unsupported("TorchScript export");
}
void NetDeleter::operator()(Net*) const {}
NetPtr load_net(const NetGraph&, const std::filesystem::path&, std::int64_t) { unsupported("native inference"); }
Tensor forward(Net&, const TensorView&) { unsupported("native inference"); }

std::vector<EpochStats> train(const NetGraph&, const TrainConfig&, const Dataset&) { unsupported("training"); }
void save_initial_weights(const NetGraph&, const std::filesystem::path&, std::int64_t) {
  unsupported("initialising weights");
}
double weight_sparsity(const NetGraph&, const std::filesystem::path&) { unsupported("reading weights"); }

}  // namespace kenning::net_torch
