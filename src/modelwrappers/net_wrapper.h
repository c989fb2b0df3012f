// TorchNetWrapper: what PyTorchMobileNetV2 and PyTorchResNet share — a
// NetGraph (net_zoo.h) run with libtorch, exported to ONNX and TorchScript,
// with weights created from a seed. These wrappers are for speed runs and
// conversion checks with the random_tensors dataset: there are no
// pretrained weights here, so the outputs are raw logits float32
// [n, num_classes] of a randomly initialised network, with no class names,
// and `kenning test` skips evaluation.
//
// Files next to model_path (whether it names the .pt, the .onnx or the .ts):
//   <stem>.pt         weights (torch::save of the module); model_path itself
//                     when it is a .pt/.pth
//   <stem>.onnx       ONNX export (opset, batch and BN folding from the
//                     parameters) + <stem>.onnx.json sidecar
//   <stem>.ts         TorchScript export + <stem>.ts.json sidecar
// At construction, when model_path does not exist, the wrapper writes the
// weights from `seed` (unless <stem>.pt exists) and, for a .onnx or .ts
// model_path, the export, so runtimes find the file. Existing files are used
// as they are: after changing the architecture parameters (width_mult,
// depth, base_width) choose another model_path or delete the old files
// (a .pt of another shape is refused when loaded; a sidecar whose input or
// output shape differs from the parameters is refused at construction).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/model_wrapper.h"
#include "nets/net_graph.h"
#include "nets/net_init.h"
#include "nets/net_torch_backend.h"

namespace kenning {

// Parameters both wrappers declare; each wrapper's Params derives from it.
struct NetWrapperParams {
  std::filesystem::path model_path;
  std::int64_t seed = 42;
  std::int64_t input_size = 224;
  std::int64_t num_classes = 1000;
  std::int64_t batch_size = 0;
  std::int64_t opset = 13;
  bool fold_batchnorm = false;
  std::int64_t num_threads = 0;
};

// The smallest input_size: both networks downsample by 32.
inline constexpr std::int64_t kNetMinInputSize = 32;

// Declares model_path and seed (first in help) ...
template <class P>
void add_net_head_fields(ParamSchema<P>& s) {
  s.template field<std::filesystem::path>(
       "model_path", &P::model_path,
       "Model file (.pt, .onnx or .ts); weights live in <stem>.pt. Created from `seed` when missing")
      .required()
      .template field<std::int64_t>("seed", &P::seed,
                                    "Seed of the weights written when the model file does not exist "
                                    "(no pretrained weights are used)");
}
// ... and the rest (after the wrapper's own architecture parameters).
template <class P>
void add_net_tail_fields(ParamSchema<P>& s) {
  s.template field<std::int64_t>("input_size", &P::input_size, "Height and width of the RGB input")
      .at_least(kNetMinInputSize)
      .template field<std::int64_t>("num_classes", &P::num_classes, "Outputs of the final Linear layer")
      .at_least(1)
      .template field<std::int64_t>("batch_size", &P::batch_size,
                                    "Batch dimension of the I/O spec and exports (0: any size)")
      .at_least(0)
      .template field<std::int64_t>("opset", &P::opset,
                                    "ONNX opset of the export; <= 10 writes Relu6 as Clip with "
                                    "min/max attributes, which OpenCV 4.6 reads")
      .range(9, 17)
      .template field<bool>("fold_batchnorm", &P::fold_batchnorm,
                            "Fold BatchNorm into the preceding Conv in the ONNX export")
      .template field<std::int64_t>("num_threads", &P::num_threads, "libtorch threads (0: all cores)")
      .at_least(0);
}

// What the shared declaration cannot express: a model path with a suffix the
// wrappers read or write. Throws ConfigError "<who>: parameter 'model_path':
// expected ..., got ...". The declared limits are checked by schema().check().
void check_net_wrapper_params(const std::string& who, const NetWrapperParams& p);
[[noreturn]] void bad_net_param(const std::string& who, const std::string& key, const std::string& expected,
                                const std::string& got);

class TorchNetWrapper : public ModelWrapper {
 public:
  std::filesystem::path model_path() const override { return params_.model_path; }
  // Always definition_io_spec(): the parameters fix the architecture.
  IOSpec io_spec() const override { return definition_io_spec(); }
  std::string framework() const override { return "torch"; }
  std::string framework_version() const override { return net_torch::torch_version(); }
  std::vector<std::string> output_formats() const override { return {"onnx", "torchscript", "torch"}; }

  // Checks batch.inputs[0] against the input spec and returns a copy
  // (random_tensors inputs are used as they come: no normalisation).
  std::vector<Tensor> preprocess(const Batch& batch) const override;
  // Checks the logits' dtype and shape and returns them unchanged.
  std::vector<Tensor> postprocess(std::vector<Tensor> outputs) const override;
  // Export the weights in weights_path() to `path` (+ sidecar).
  void save_to_onnx(const std::filesystem::path& path) override;
  void save_to_torchscript(const std::filesystem::path& path) override;
  // Raw logits float32 [n, num_classes], computed by libtorch.
  std::vector<Tensor> run_inference(std::span<const TensorView> inputs) override;
  bool outputs_predictions() const override { return false; }

  // input {"input", [batch, 3, S, S], float32}, output {"output",
  // [batch, num_classes], float32}; batch is batch_size, or -1 when 0.
  IOSpec definition_io_spec() const;
  const NetGraph& graph() const { return graph_; }
  std::filesystem::path weights_path() const;

 protected:
  // Checks the parameters and prepares the files (see the top of this file).
  // `graph` is built by the subclass from its parameters.
  TorchNetWrapper(std::string who, const NetWrapperParams& params, NetGraph graph, LinearInit linear);

 private:
  void prepare_files();
  void check_existing_sidecar() const;

  std::string who_;
  NetWrapperParams params_;
  NetGraph graph_;
  LinearInit linear_;
  net_torch::NetPtr net_;  // loaded on first run_inference
};

}  // namespace kenning
