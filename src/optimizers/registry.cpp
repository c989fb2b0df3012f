// The optimizer family's class list. Classes whose backend was not built in
// are still listed, as unavailable, so `kenning list` can say what is missing.
#include "kenning/config.h"
#include "kenning/registries.h"

#if KENNING_WITH_ONNX
#include "optimizers/onnx_fp16_compressor.h"
#include "optimizers/onnx_graph_optimizer.h"
#endif
#if KENNING_WITH_TORCH
#include "optimizers/pytorch_pruning.h"
#include "optimizers/torchscript_optimizer.h"
#endif
#if KENNING_WITH_ONNX && KENNING_WITH_TORCH
#include "optimizers/onnx_int8_quantizer.h"
#endif

namespace kenning {

void register_optimizers(Registry<Optimizer>& r) {
#if KENNING_WITH_ONNX
  r.add<ONNXGraphOptimizer>("onnx_graph_optimizer");
  r.add<ONNXFloat16Compressor>("onnx_fp16");
#else
  r.add_unavailable("ONNXGraphOptimizer", "onnx_graph_optimizer",
                    "ONNX graph passes: BatchNormalization folding, Identity/Dropout removal, "
                    "constant folding, unused initializer removal",
                    "built without KENNING_WITH_ONNX");
  r.add_unavailable("ONNXFloat16Compressor", "onnx_fp16",
                    "Stores float32 ONNX weights as float16, cast back to float32 in the graph",
                    "built without KENNING_WITH_ONNX");
#endif
#if KENNING_WITH_ONNX && KENNING_WITH_TORCH
  r.add<ONNXInt8Quantizer>("onnx_int8");
#else
  r.add_unavailable("ONNXInt8Quantizer", "onnx_int8",
                    "Static int8 post-training quantization of ONNX models (QDQ form)",
                    "needs both KENNING_WITH_ONNX and KENNING_WITH_TORCH (calibration runs our ONNX executor)");
#endif
#if KENNING_WITH_TORCH
  r.add<TorchScriptOptimizer>("torchscript_optimizer");
  r.add<PyTorchMagnitudePruner>("magnitude_pruning");
#else
  r.add_unavailable("PyTorchMagnitudePruner", "magnitude_pruning",
                    "Global magnitude pruning of the Fashion-MNIST CNN's weights with fine-tuning, exported to ONNX",
                    "built without KENNING_WITH_TORCH");
  r.add_unavailable("TorchScriptOptimizer", "torchscript_optimizer",
                    "Freezes a TorchScript model and runs libtorch's optimize_for_inference on it",
                    "built without KENNING_WITH_TORCH");
#endif
}

}  // namespace kenning
