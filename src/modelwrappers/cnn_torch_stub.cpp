// cnn_torch_backend.h for builds without libtorch: the wrapper still offers
// its I/O spec and post-processing, everything needing torch says why not.
#include "modelwrappers/cnn_torch_backend.h"

#include "kenning/core/error.h"

namespace kenning::cnn_torch {

namespace {
[[noreturn]] void unsupported(const std::string& what) {
  throw NotSupported("PyTorchFashionMNISTCNN: " + what +
                     " needs libtorch; kenning-cpp was built without KENNING_WITH_TORCH");
}
}  // namespace

bool available() { return false; }
std::string torch_version() { return "n/a"; }

std::vector<EpochStats> train(const TrainConfig&, const Dataset&) { unsupported("training"); }
double weight_sparsity(const std::filesystem::path&) { unsupported("reading weights"); }
void save_initial_weights(const std::filesystem::path&, std::int64_t) {
  unsupported("initialising weights");
}
void export_onnx(const std::filesystem::path&, const std::filesystem::path&) {
  unsupported("ONNX export");
}
void export_torchscript(const std::filesystem::path&, const std::filesystem::path&) {
  unsupported("TorchScript export");
}
void NetDeleter::operator()(Net*) const {}
NetPtr load_net(const std::filesystem::path&, std::int64_t) { unsupported("native inference"); }
Tensor forward(Net&, const TensorView&) { unsupported("native inference"); }

}  // namespace kenning::cnn_torch
