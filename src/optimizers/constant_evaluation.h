// General constant folding: a node whose inputs are all constants is run
// once, by our ONNX executor's own kernels, and replaced by initializers
// holding its outputs. Skipped: ops with subgraphs or random outputs,
// Quantize/DequantizeLinear (a quantized model keeps its QDQ form, which
// integer runtimes read), outputs that are graph outputs, results larger
// than their inputs (beyond 4 KiB: a Cast of float16 weights to float32 would
// undo ONNXFloat16Compressor) or than kMaxFoldedBytes.
#pragma once

#include <cstddef>

#include <onnx/onnx_pb.h>

namespace kenning {

inline constexpr std::size_t kMaxFoldedBytes = 16u << 20;

// Returns the number of nodes folded.
int fold_constant_nodes(onnx::ModelProto& model);

}  // namespace kenning
