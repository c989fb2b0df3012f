// PyTorchFashionMNISTCNN: a small CNN classifying Fashion-MNIST images
// (float32 [n, 1, 28, 28] in [0, 1]) into 10 classes, the NetGraph
// fashion_mnist_cnn_graph() (nets/net_zoo.h). Trained and run natively with
// libtorch, exported to ONNX node by node and to TorchScript (src/nets/). The class is always registered:
// without libtorch its I/O spec, pre- and post-processing still work and
// train / save_to_onnx / save_to_torchscript / run_inference throw
// NotSupported.
//
// Files next to model_path (whether it names the .onnx or the .pt):
//   <stem>.pt         weights (torch::save of the module), written by train()
//   <stem>.onnx       ONNX export (opset 13, symbolic batch), raw logits
//   <stem>.onnx.json  its I/O sidecar
//   <stem>.ts         TorchScript export (torch::jit::save), raw logits
//   <stem>.ts.json    its I/O sidecar
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/model_wrapper.h"
#include "nets/net_torch_backend.h"

namespace kenning {

class PyTorchFashionMNISTCNN : public ModelWrapper {
 public:
  struct Params {
    std::filesystem::path model_path;
    std::int64_t batch_size = 64;
    double learning_rate = 0.001;
    // ~0.90 test accuracy is reached around epoch 5-6; 10 leaves a margin.
    std::int64_t num_epochs = 10;
    std::filesystem::path logdir;
    std::int64_t seed = 42;
    std::int64_t num_threads = 0;
  };
  static const ParamSchema<Params>& schema();
  // Throws ConfigError naming the key when a value is out of range (the
  // schema already checks scenario blocks; this guards direct construction).
  explicit PyTorchFashionMNISTCNN(const Params& params);

  std::filesystem::path model_path() const override { return params_.model_path; }
  // The sidecar of model_path when it exists, else definition_io_spec().
  IOSpec io_spec() const override;
  std::string framework() const override { return "torch"; }
  std::string framework_version() const override;
  std::vector<std::string> output_formats() const override { return {"onnx", "torch"}; }

  // Checks batch.inputs[0] is float32 [n, 1, 28, 28] and returns a copy.
  std::vector<Tensor> preprocess(const Batch& batch) const override;
  // Logits float32 [n, 10] -> softmax probabilities float32 [n, 10].
  std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const override;

  // Trains, then writes <stem>.pt and both exports with their sidecars.
  std::vector<EpochStats> train(const Dataset& dataset) override;
  // Exports the weights in <stem>.pt to `path` (+ sidecar).
  void save_to_onnx(const std::filesystem::path& path) override;
  // Exports the weights in <stem>.pt to `path` as TorchScript (+ sidecar),
  // for PyTorchRuntime.
  void save_to_torchscript(const std::filesystem::path& path) override;
  // Raw logits float32 [n, 10], computed by libtorch from <stem>.pt.
  std::vector<Tensor> run_inference(std::span<const TensorView> inputs) override;

  // input {"input", [-1, 1, 28, 28], float32}, output {"output", [-1, 10],
  // float32, class_name = the Fashion-MNIST classes}.
  static IOSpec definition_io_spec();
  static const std::vector<std::string>& class_names();

  std::filesystem::path weights_path() const;      // <stem>.pt
  std::filesystem::path onnx_path() const;         // <stem>.onnx
  std::filesystem::path torchscript_path() const;  // <stem>.ts

 private:
  Params params_;
  net_torch::NetPtr net_;  // loaded on first run_inference, dropped by train()
};

}  // namespace kenning
