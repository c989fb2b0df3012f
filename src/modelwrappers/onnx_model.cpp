#include "modelwrappers/onnx_model.h"

#include <onnx/onnx_pb.h>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "onnx/onnx_graph_builder.h"
#include "onnx/onnx_io_spec.h"

namespace kenning {

ONNXModel::ONNXModel(const Params& params) : ONNXModel(schema().checked(params).model_path, "ONNXModel") {}

ONNXModel::ONNXModel(const std::filesystem::path& model_path, std::string who)
    : who_(std::move(who)), model_path_(model_path) {
  if (model_path_.empty()) throw ConfigError(who_ + ": model_path: expected an ONNX file path, got an empty path");
  if (model_format_from_path(model_path_) != "onnx") {
    throw ConfigError(who_ + ": model_path: expected an .onnx file, got '" + model_path_.string() + "'");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_path_, ec)) {
    throw IoError(who_ + ": model_path: " + model_path_.string() + ": no such model file");
  }
  const onnx::ModelProto model = load_onnx_model(model_path_);
  std::int64_t opset = 0;
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  }
  version_ = "ir " + std::to_string(model.ir_version()) + ", opset " + std::to_string(opset);
  spec_ = load_or_derive_onnx_io_spec(model_path_);
}

std::vector<Tensor> ONNXModel::preprocess(const Batch& batch) const {
  const auto& specs = spec_.model_inputs();
  std::vector<TensorView> views;
  for (const auto& t : batch.inputs) views.push_back(t.view());
  try {
    check_inputs_against_spec(views, specs);
  } catch (const ConfigError& e) {
    throw ConfigError(who_ + ".preprocess: " + e.what() + " (model " + model_path_.string() +
                      "; the random_tensors dataset generates inputs shaped like the model's)");
  }
  std::vector<Tensor> out;
  out.reserve(batch.inputs.size());
  for (const auto& t : batch.inputs) out.push_back(t.clone());
  return out;
}

std::vector<Tensor> ONNXModel::postprocess(std::vector<Tensor> outputs) const { return outputs; }

std::vector<EpochStats> ONNXModel::train(const Dataset&) {
  throw NotSupported(who_ +
                     " cannot train: it runs an existing ONNX model and has no training framework; "
                     "train with the model's own framework and point model_path at the exported .onnx");
}

void ONNXModel::save_to_onnx(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::equivalent(path, model_path_, ec)) return;
  std::filesystem::copy_file(model_path_, path, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw IoError(who_ + ": cannot copy " + model_path_.string() + " to " + path.string() + ": " + ec.message());
  save_io_spec(spec_, path);
  spdlog::info("copied {} to {}", model_path_.string(), path.string());
}

std::vector<Tensor> ONNXModel::run_inference(std::span<const TensorView>) {
  throw NotSupported(who_ +
                     " cannot run inference natively: it has no framework of its own; add a runtime "
                     "block that reads ONNX (e.g. {\"type\": \"ONNXExecRuntime\"} or OpenCVRuntime)");
}

}  // namespace kenning
