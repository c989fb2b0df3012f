#include "kenning/model_wrapper.h"

#include <algorithm>

namespace kenning {

std::string model_format_from_path(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".onnx") return "onnx";
  if (ext == ".pt" || ext == ".pth") return "torch";
  if (ext == ".ts") return "torchscript";
  return "";
}

std::string ModelWrapper::model_format() const { return model_format_from_path(model_path()); }

std::vector<EpochStats> ModelWrapper::train(const Dataset&) { throw NotSupported(type_name() + " cannot be trained"); }

void ModelWrapper::save_to_onnx(const std::filesystem::path&) {
  throw NotSupported(type_name() + " cannot export to ONNX");
}

void ModelWrapper::save_to_torchscript(const std::filesystem::path&) {
  // type_name() is set by the registry; a wrapper built directly has none.
  const std::string who = type_name().empty() ? std::string("this model wrapper") : type_name();
  throw NotSupported(who + " cannot export to TorchScript");
}

std::vector<Tensor> ModelWrapper::run_inference(std::span<const TensorView>) {
  throw NotSupported(type_name() + " cannot run inference natively; add a runtime block");
}

std::vector<TensorSpec> ModelWrapper::preprocess_input_spec() const { return io_spec().input; }

}  // namespace kenning
