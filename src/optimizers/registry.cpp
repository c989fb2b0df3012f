// The optimizer family's class list. Classes whose backend was not built in
// are still listed, as unavailable, so `kenning list` can say what is missing.
#include "kenning/config.h"
#include "kenning/registries.h"
#include "optimizers/onnx_fp16_compressor.h"
#include "optimizers/onnx_graph_optimizer.h"
#include "optimizers/onnx_int8_quantizer.h"
#include "optimizers/pytorch_pruning.h"
#include "optimizers/torchscript_optimizer.h"
#if KENNING_WITH_TORCH
#include "modules/torch/torch_module.h"
#endif

namespace kenning {

void register_optimizers(Registry<Optimizer>& r) {
#if KENNING_WITH_ONNX
  r.add<ONNXGraphOptimizer>("onnx_graph_optimizer");
  r.add<ONNXFloat16Compressor>("onnx_fp16");
#else
  r.add_unavailable<ONNXGraphOptimizer>("onnx_graph_optimizer", "built without KENNING_WITH_ONNX");
  r.add_unavailable<ONNXFloat16Compressor>("onnx_fp16", "built without KENNING_WITH_ONNX");
#endif
#if KENNING_WITH_ONNX && KENNING_WITH_TORCH
  r.add<ONNXInt8Quantizer>("onnx_int8");
#else
  r.add_unavailable<ONNXInt8Quantizer>(
      "onnx_int8", "needs both KENNING_WITH_ONNX and KENNING_WITH_TORCH (calibration runs our ONNX executor)");
#endif
#if KENNING_WITH_TORCH
  r.add_built_by<TorchScriptOptimizer>("torchscript_optimizer", [](const TorchScriptOptimizer::Params& p) {
    return torch_module::api("TorchScriptOptimizer").make_torchscript_optimizer(p);
  });
  r.add<PyTorchMagnitudePruner>("magnitude_pruning");
#else
  r.add_unavailable<TorchScriptOptimizer>("torchscript_optimizer", "built without KENNING_WITH_TORCH");
  r.add_unavailable<PyTorchMagnitudePruner>("magnitude_pruning", "built without KENNING_WITH_TORCH");
#endif
}

}  // namespace kenning
