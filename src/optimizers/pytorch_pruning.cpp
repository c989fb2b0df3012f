#include "optimizers/pytorch_pruning.h"

#include <fstream>
#include <iterator>

#include <spdlog/spdlog.h>
#include <zlib.h>

#include "kenning/core/error.h"
#include "kenning/dataset.h"
#include "nets/net_torch_backend.h"
#include "nets/net_torch_train.h"
#include "nets/net_zoo.h"

namespace kenning {
namespace {

constexpr const char* kClass = "PyTorchMagnitudePruner";

// Size of `file` after zlib compression (level 9): what a pruned model costs
// to store or ship compressed.
std::uintmax_t compressed_size(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uLong>(bytes.size()), 9) != Z_OK) {
    throw BackendError(std::string(kClass) + ": cannot compress '" + file.string() + "' to measure it");
  }
  return size;
}

}  // namespace

PyTorchMagnitudePruner::PyTorchMagnitudePruner(const Params& params) : params_(params) { schema().check(params_); }

std::string PyTorchMagnitudePruner::framework_version() const { return net_torch::torch_version(); }

std::filesystem::path PyTorchMagnitudePruner::pruned_weights_path() const {
  return std::filesystem::path(params_.compiled_model_path).replace_extension(".pt");
}

void PyTorchMagnitudePruner::check_calibration(const CalibrationData* calibration) const {
  const Dataset* dataset = calibration ? calibration->dataset() : nullptr;
  if (!dataset) {
    throw ConfigError(std::string(kClass) + ": needs a dataset to fine-tune on: give the scenario a dataset block");
  }
  if (params_.epochs > 0 && dataset->size(Split::Train) == 0) {
    throw ConfigError(std::string(kClass) + ": the dataset's train split (" + dataset->type_name() +
                      ") is empty; nothing to fine-tune on");
  }
}

IOSpec PyTorchMagnitudePruner::compile(const std::filesystem::path& input_model, const IOSpec& spec,
                                       const CalibrationData* calibration) {
  namespace fs = std::filesystem;
  const fs::path& out = params_.compiled_model_path;
  const fs::path weights = pruned_weights_path();
  check_input_model(kClass, input_model);
  check_compiled_model_path(kClass, out, input_model);
  if (out.extension() != ".onnx") {
    throw ConfigError(std::string(kClass) + ": compiled_model_path '" + out.string() + "' must end in .onnx");
  }
  std::error_code ec;
  if (fs::equivalent(weights, input_model, ec)) {
    throw ConfigError(std::string(kClass) + ": the pruned weights would go to '" + weights.string() +
                      "', which is the input model; choose another compiled_model_path");
  }
  check_calibration(calibration);
  const Dataset* dataset = calibration->dataset();
  // The Fashion-MNIST CNN is the one network this optimizer prunes.
  const NetGraph graph = fashion_mnist_cnn_graph();
  const double sparsity_before = net_torch::weight_sparsity(graph, input_model);  // IoError for foreign weights

  net_torch::TrainConfig c;
  c.owner = "PyTorchFashionMNISTCNN";
  c.initial_weights = input_model;
  c.prune_sparsity = params_.sparsity;
  c.num_epochs = params_.epochs;
  c.learning_rate = params_.learning_rate;
  c.batch_size = params_.batch_size;
  c.seed = params_.seed;
  c.num_threads = params_.num_threads;
  c.weights_path = weights;
  spdlog::info("{}: pruning {} to sparsity {:.2f}, then {} fine-tuning epochs", kClass, input_model.string(),
               params_.sparsity, params_.epochs);
  const std::vector<EpochStats> history = net_torch::train(graph, c, *dataset);

  // The dense ONNX export of the weights before, for the compressed-size comparison.
  const fs::path unpruned_onnx = fs::path(out.string() + ".unpruned.tmp");
  net_torch::export_onnx(graph, input_model, unpruned_onnx, NetOnnxOptions{});
  const std::uintmax_t compressed_before = compressed_size(unpruned_onnx);
  const std::uintmax_t bytes_before = fs::file_size(unpruned_onnx);
  fs::remove(unpruned_onnx, ec);

  net_torch::export_onnx(graph, weights, out, NetOnnxOptions{});
  try {
    save_io_spec(spec, out);
  } catch (...) {
    fs::remove(out, ec);
    throw;
  }
  report_ = nlohmann::json::object();
  report_["sparsity_target"] = params_.sparsity;
  report_["sparsity_before"] = sparsity_before;
  report_["sparsity"] = net_torch::weight_sparsity(graph, weights);
  report_["fine_tuning_epochs"] = params_.epochs;
  if (!history.empty()) report_["fine_tuned_val_accuracy"] = history.back().val_accuracy;
  report_["model_size_before"] = bytes_before;
  report_["model_size_after"] = fs::file_size(out);
  report_["compressed_size_before"] = compressed_before;
  report_["compressed_size_after"] = compressed_size(out);
  spdlog::info("{}: {} -> {}: sparsity {:.3f}, zlib-compressed {} -> {} bytes", kClass, input_model.string(),
               out.string(), report_["sparsity"].get<double>(), compressed_before,
               report_["compressed_size_after"].get<std::uintmax_t>());
  return spec;
}

}  // namespace kenning
