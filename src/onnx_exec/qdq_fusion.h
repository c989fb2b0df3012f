// Load-time fusion of QDQ-quantized graphs (ONNX Runtime's "QDQ" format:
// float ops between DequantizeLinear and QuantizeLinear nodes) into integer
// ops on the quantized tensors:
//  - DQ(x_q), DQ(const W_q), [DQ(const int32 B_q)] -> Conv -> [Relu|Clip] -> Q
//    becomes QLinearConv(x_q, ...) -> y_q, the activation as fusion.h's
//    kenning.* attributes;
//  - the same around Gemm, or MatMul [+ Add(bias)], becomes QLinearGemm
//    (ops_quant.cpp: y = a w^T + bias, w stored [N, K]);
//  - DQ(a), DQ(b) -> Add -> [Relu|Clip] -> Q (a residual connection) becomes
//    QLinearAdd (ops_quant.cpp);
//  - DQ -> MaxPool | Reshape | Flatten -> Q with identical scale and zero
//    point runs the op on the quantized tensor itself;
//  - DQ -> Q with identical parameters disappears;
//  - a DequantizeLinear of constants left over (the weights of an op that
//    stays float, e.g. a last Gemm with a float output) is computed once, so
//    that op sees constant float weights (and Conv its direct oneDNN path).
// Runs after fuse_for_inference (which may already have moved a Relu into
// the Conv). A rewrite only applies when every intermediate it removes has no
// other reader and is not a graph output; a DequantizeLinear whose output
// other nodes still read stays for them. Anything not matched keeps running
// as plain QuantizeLinear/DequantizeLinear/float ops.
#pragma once

#include "onnx_exec/graph.h"

namespace kenning::onnx_exec {

// The fused quantized Gemm/MatMul and Add nodes' op types (ops_quant.cpp
// runs them).
inline constexpr const char* kQLinearGemm = "QLinearGemm";
inline constexpr const char* kQLinearAdd = "QLinearAdd";

struct QdqFusionStats {
  int fused_convs = 0;              // -> QLinearConv
  int fused_gemms = 0;              // Gemm or MatMul -> QLinearGemm
  int fused_adds = 0;               // -> QLinearAdd
  int fused_activations = 0;        // Relu/Clip moved into any of those
  int quantized_passthroughs = 0;   // MaxPool/Reshape/Flatten run on the quantized tensor
  int removed_requantizations = 0;  // DQ -> Q pairs with identical parameters
  int folded_constant_dequantizations = 0;
};

QdqFusionStats fuse_qdq(Graph& graph);

}  // namespace kenning::onnx_exec
