#include "modelwrappers/net_wrapper.h"

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"

namespace kenning {

namespace fs = std::filesystem;

void bad_net_param(const std::string& who, const std::string& key, const std::string& expected,
                   const std::string& got) {
  throw ConfigError(who + ": parameter '" + key + "': expected " + expected + ", got " + got);
}

void check_net_wrapper_params(const std::string& who, const NetWrapperParams& p) {
  const std::string format = model_format_from_path(p.model_path);
  if (format != "torch" && format != "onnx" && format != "torchscript") {
    bad_net_param(who, "model_path", "a .pt, .pth, .onnx or .ts file", p.model_path.string());
  }
}

TorchNetWrapper::TorchNetWrapper(std::string who, const NetWrapperParams& params, NetGraph graph, LinearInit linear)
    : who_(std::move(who)), params_(params), graph_(std::move(graph)), linear_(linear) {
  prepare_files();
}

fs::path TorchNetWrapper::weights_path() const {
  if (model_format_from_path(params_.model_path) == "torch") return params_.model_path;
  return fs::path(params_.model_path).replace_extension(".pt");
}

IOSpec TorchNetWrapper::definition_io_spec() const {
  const std::int64_t batch = params_.batch_size > 0 ? params_.batch_size : -1;
  IOSpec spec;
  TensorSpec input;
  input.name = "input";
  input.shape = {batch};
  input.shape.insert(input.shape.end(), graph_.input_shape.begin(), graph_.input_shape.end());
  spec.input.push_back(std::move(input));
  TensorSpec output;
  output.name = "output";
  output.shape = {batch, params_.num_classes};
  spec.output.push_back(std::move(output));
  return spec;
}

void TorchNetWrapper::check_existing_sidecar() const {
  const fs::path sidecar = io_spec_path(params_.model_path);
  std::error_code ec;
  if (!fs::exists(sidecar, ec)) return;
  const IOSpec found = load_io_spec(params_.model_path);
  const IOSpec wanted = definition_io_spec();
  auto shape = [](const std::vector<TensorSpec>& v) { return v.empty() ? Shape{} : v.front().shape; };
  if (shape(found.input) != shape(wanted.input) || shape(found.output) != shape(wanted.output)) {
    throw ConfigError(who_ + ": " + params_.model_path.string() + " was written for input " +
                      shape_to_string(shape(found.input)) + " and output " + shape_to_string(shape(found.output)) +
                      ", the parameters give " + shape_to_string(shape(wanted.input)) + " and " +
                      shape_to_string(shape(wanted.output)) + "; delete it or choose another model_path");
  }
}

void TorchNetWrapper::prepare_files() {
  std::error_code ec;
  if (fs::exists(params_.model_path, ec)) return check_existing_sidecar();
  const fs::path weights = weights_path();
  if (!fs::exists(weights, ec)) {
    if (!net_torch::available()) {
      throw NotSupported(who_ + ": " + params_.model_path.string() +
                         " does not exist, and creating weights from the seed needs libtorch; "
                         "kenning-cpp was built without KENNING_WITH_TORCH");
    }
    if (weights.has_parent_path()) {
      fs::create_directories(weights.parent_path(), ec);
      if (ec) throw IoError(weights.parent_path().string() + ": cannot create folder: " + ec.message());
    }
    net_torch::create_weights(graph_, linear_, params_.seed, weights);
    spdlog::info(
        "{}: no model at {}; wrote weights initialised from seed {} to {} "
        "(random, not pretrained)",
        who_, params_.model_path.string(), params_.seed, weights.string());
  }
  const std::string format = model_format_from_path(params_.model_path);
  if (format == "onnx") save_to_onnx(params_.model_path);
  if (format == "torchscript") save_to_torchscript(params_.model_path);
}

std::vector<Tensor> TorchNetWrapper::preprocess(const Batch& batch) const {
  const std::string where = who_ + ".preprocess";
  if (batch.inputs.size() != 1) {
    throw ConfigError(where + ": expected 1 input tensor, got " + std::to_string(batch.inputs.size()));
  }
  const TensorView view = batch.inputs[0].view();
  try {
    check_inputs_against_spec(std::span<const TensorView>(&view, 1), definition_io_spec().input);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  std::vector<Tensor> out;
  out.push_back(batch.inputs[0].clone());
  return out;
}

std::vector<Tensor> TorchNetWrapper::postprocess(std::vector<Tensor> outputs) const {
  const std::string where = who_ + ".postprocess";
  const Shape expected = {-1, params_.num_classes};
  if (outputs.size() != 1 || outputs[0].dtype() != DType::Float32 || outputs[0].shape().size() != 2 ||
      outputs[0].shape()[1] != params_.num_classes) {
    throw ConfigError(where + ": expected 1 output, float32 logits " + shape_to_string(expected) + ", got " +
                      std::to_string(outputs.size()) + " output(s)" +
                      (outputs.empty() ? std::string()
                                       : ", the first " + std::string(dtype_name(outputs[0].dtype())) + " " +
                                             shape_to_string(outputs[0].shape())));
  }
  return outputs;
}

void TorchNetWrapper::save_to_onnx(const fs::path& path) {
  NetOnnxOptions options;
  options.opset = params_.opset;
  options.batch = params_.batch_size > 0 ? params_.batch_size : -1;
  options.fold_batchnorm = params_.fold_batchnorm;
  net_torch::export_onnx(graph_, weights_path(), path, options);
  save_io_spec(definition_io_spec(), path);
  spdlog::info("exported {} to {} (opset {})", weights_path().string(), path.string(), params_.opset);
}

void TorchNetWrapper::save_to_torchscript(const fs::path& path) {
  net_torch::export_torchscript(graph_, weights_path(), path);
  save_io_spec(definition_io_spec(), path);
  spdlog::info("exported {} to {}", weights_path().string(), path.string());
}

std::vector<Tensor> TorchNetWrapper::run_inference(std::span<const TensorView> inputs) {
  try {
    check_inputs_against_spec(inputs, definition_io_spec().input);
  } catch (const ConfigError& e) {
    throw ConfigError(who_ + ".run_inference: " + e.what());
  }
  if (!net_) net_ = net_torch::load_net(graph_, weights_path(), params_.num_threads);
  std::vector<Tensor> out;
  out.push_back(net_torch::forward(*net_, inputs[0]));
  return out;
}

}  // namespace kenning
