#include "modelwrappers/fashion_mnist_cnn.h"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "nets/net_torch_train.h"
#include "nets/net_zoo.h"

namespace kenning {

namespace {
constexpr const char* kClass = "PyTorchFashionMNISTCNN";
constexpr std::int64_t kNumClasses = 10;

const NetGraph& cnn_graph() {
  static const NetGraph graph = fashion_mnist_cnn_graph();
  return graph;
}

// The hint the NetGraph backend cannot give: this model's weights come from
// training. Without libtorch the backend's NotSupported comes first.
void require_weights(const std::filesystem::path& weights) {
  std::error_code ec;
  if (net_torch::available() && !std::filesystem::is_regular_file(weights, ec)) {
    throw IoError(weights.string() + ": weights file not found (train the model first, e.g. `kenning train`)");
  }
}

[[noreturn]] void bad_param(const std::string& key, const std::string& expected, const std::string& got) {
  throw ConfigError(std::string(kClass) + ": parameter '" + key + "': expected " + expected + ", got " + got);
}
}  // namespace

const ParamSchema<PyTorchFashionMNISTCNN::Params>& PyTorchFashionMNISTCNN::schema() {
  static const auto s =
      ParamSchema<Params>(kClass, "2-conv CNN for Fashion-MNIST, trained with libtorch, exported to ONNX")
          .field("model_path", &Params::model_path,
                 "Model file (.onnx or .pt); weights live in <stem>.pt, the export in <stem>.onnx")
          .required()
          .field("batch_size", &Params::batch_size, "Training mini-batch size")
          .at_least(1)
          .field("learning_rate", &Params::learning_rate, "Adam learning rate (> 0)")
          .at_least(1e-8)
          .field("num_epochs", &Params::num_epochs, "Training epochs")
          .at_least(1)
          .field("logdir", &Params::logdir, "Folder for training_log.jsonl and training_log.csv (empty: none)")
          .field("seed", &Params::seed, "Seed of weight init, dropout and shuffling")
          .field("num_threads", &Params::num_threads, "libtorch threads (0: all cores)")
          .at_least(0);
  return s;
}

PyTorchFashionMNISTCNN::PyTorchFashionMNISTCNN(const Params& params) : params_(schema().checked(params)) {
  // The declaration's lower bound does not refuse infinity or NaN.
  if (!std::isfinite(params_.learning_rate)) {
    bad_param("learning_rate", "a finite float", std::to_string(params_.learning_rate));
  }
}

const std::vector<std::string>& PyTorchFashionMNISTCNN::class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

IOSpec PyTorchFashionMNISTCNN::definition_io_spec() {
  IOSpec spec;
  TensorSpec input;
  input.name = "input";
  input.shape = {-1, 1, 28, 28};
  input.dtype = DType::Float32;
  spec.input.push_back(std::move(input));
  TensorSpec output;
  output.name = "output";
  output.shape = {-1, kNumClasses};
  output.dtype = DType::Float32;
  output.class_name = class_names();
  spec.output.push_back(std::move(output));
  return spec;
}

IOSpec PyTorchFashionMNISTCNN::io_spec() const {
  std::error_code ec;
  if (std::filesystem::exists(io_spec_path(params_.model_path), ec)) {
    return load_io_spec(params_.model_path);
  }
  return definition_io_spec();
}

std::string PyTorchFashionMNISTCNN::framework_version() const { return net_torch::torch_version(); }

std::filesystem::path PyTorchFashionMNISTCNN::weights_path() const {
  return std::filesystem::path(params_.model_path).replace_extension(".pt");
}

std::filesystem::path PyTorchFashionMNISTCNN::onnx_path() const {
  return std::filesystem::path(params_.model_path).replace_extension(".onnx");
}

std::filesystem::path PyTorchFashionMNISTCNN::torchscript_path() const {
  return std::filesystem::path(params_.model_path).replace_extension(".ts");
}

std::vector<Tensor> PyTorchFashionMNISTCNN::preprocess(const Batch& batch) const {
  if (batch.inputs.size() != 1) {
    throw ConfigError(std::string(kClass) + ".preprocess: expected 1 input tensor (float32 [n, 1, 28, 28]), got " +
                      std::to_string(batch.inputs.size()));
  }
  // The architecture is fixed, so the definition's spec is the one to check
  // (and it needs no file access per batch).
  const TensorView view = batch.inputs[0].view();
  try {
    check_inputs_against_spec(std::span<const TensorView>(&view, 1), definition_io_spec().input);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(kClass) + ".preprocess: " + e.what());
  }
  std::vector<Tensor> out;
  out.push_back(batch.inputs[0].clone());
  return out;
}

std::vector<Tensor> PyTorchFashionMNISTCNN::postprocess(std::vector<Tensor> outputs) const {
  const std::string where = std::string(kClass) + ".postprocess";
  if (outputs.size() != 1) {
    throw ConfigError(where + ": expected 1 output tensor (float32 [n, 10] logits), got " +
                      std::to_string(outputs.size()));
  }
  Tensor& logits = outputs[0];
  const Shape& shape = logits.shape();
  if (logits.dtype() != DType::Float32 || shape.size() != 2 || shape[1] != kNumClasses) {
    throw ConfigError(where + ": expected float32 [n, 10] logits, got " + std::string(dtype_name(logits.dtype())) +
                      " " + shape_to_string(shape));
  }
  // Softmax in place, shifted by the row maximum so exp() cannot overflow.
  std::span<float> values = logits.data<float>();
  const auto classes = static_cast<std::size_t>(kNumClasses);
  for (std::size_t row = 0; row + classes <= values.size(); row += classes) {
    std::span<float> r = values.subspan(row, classes);
    const float max = *std::max_element(r.begin(), r.end());
    double sum = 0;
    for (float& v : r) {
      v = std::exp(v - max);
      sum += v;
    }
    for (float& v : r) v = static_cast<float>(v / sum);
  }
  return outputs;
}

std::vector<EpochStats> PyTorchFashionMNISTCNN::train(const Dataset& dataset) {
  // The output layer has 10 classes; a dataset with another count cannot fit.
  const std::size_t classes = dataset.class_names().size();
  if (classes != static_cast<std::size_t>(kNumClasses)) {
    throw ConfigError(std::string(kClass) + ": dataset " + dataset.type_name() + " has " + std::to_string(classes) +
                      " classes, the model has " + std::to_string(kNumClasses));
  }
  net_torch::TrainConfig config;
  config.owner = kClass;
  config.batch_size = params_.batch_size;
  config.learning_rate = params_.learning_rate;
  config.num_epochs = params_.num_epochs;
  config.logdir = params_.logdir;
  config.seed = params_.seed;
  config.num_threads = params_.num_threads;
  config.weights_path = weights_path();
  net_.reset();  // a loaded model would be stale after training
  std::vector<EpochStats> history = net_torch::train(cnn_graph(), config, dataset);
  save_to_onnx(onnx_path());
  save_to_torchscript(torchscript_path());
  return history;
}

void PyTorchFashionMNISTCNN::save_to_onnx(const std::filesystem::path& path) {
  require_weights(weights_path());
  net_torch::export_onnx(cnn_graph(), weights_path(), path, NetOnnxOptions{});
  save_io_spec(definition_io_spec(), path);
  spdlog::info("exported {} to {}", weights_path().string(), path.string());
}

void PyTorchFashionMNISTCNN::save_to_torchscript(const std::filesystem::path& path) {
  require_weights(weights_path());
  net_torch::export_torchscript(cnn_graph(), weights_path(), path);
  save_io_spec(definition_io_spec(), path);
  spdlog::info("exported {} to {}", weights_path().string(), path.string());
}

std::vector<Tensor> PyTorchFashionMNISTCNN::run_inference(std::span<const TensorView> inputs) {
  try {
    check_inputs_against_spec(inputs, definition_io_spec().input);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(kClass) + ".run_inference: " + e.what());
  }
  if (!net_) {
    require_weights(weights_path());
    net_ = net_torch::load_net(cnn_graph(), weights_path(), params_.num_threads);
  }
  std::vector<Tensor> out;
  out.push_back(net_torch::forward(*net_, inputs[0]));
  return out;
}

}  // namespace kenning
