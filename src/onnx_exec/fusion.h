// Load-time rewrites that keep a graph's results (within float rounding) but
// make it cheaper to run, as inference runtimes do when they load a model:
//  - a Cast of a constant is done once, at load (float16-compressed weights
//    become float32 initializers again, so the Conv sees constant weights);
//  - BatchNormalization after a Conv with constant weights is folded into the
//    Conv's weights and bias (one pass over the activations instead of two);
//  - a Relu or a constant Clip right after a Conv runs inside the Conv's
//    kernel, in place on its output (marked by the attributes below).
// A rewrite only applies when the intermediate tensor has no other reader and
// is not a graph output, so nothing observable changes.
#pragma once

#include "onnx_exec/graph.h"

namespace kenning::onnx_exec {

// Attributes the fusion adds to a Conv node (and the QDQ fusion to
// QLinearConv and QLinearGemm, qdq_fusion.h); their kernels read them.
inline constexpr const char* kFusedActivation = "kenning.activation";  // "Relu" or "Clip"
inline constexpr const char* kFusedClipMin = "kenning.clip_min";
inline constexpr const char* kFusedClipMax = "kenning.clip_max";

struct FusionStats {
  int folded_constant_casts = 0;
  int folded_batch_norms = 0;
  int fused_activations = 0;
};

FusionStats fuse_for_inference(Graph& graph);

// Bounds of `act` when it is a Relu or a Clip with constant bounds (absent
// bounds are infinite); false for anything else.
bool activation_bounds(const Graph& graph, const onnx::NodeProto& act, float& lo, float& hi);
// Adds the attributes above to `node`: activation `op_type` within [lo, hi].
void mark_fused_activation(onnx::NodeProto& node, const std::string& op_type, float lo, float hi);

}  // namespace kenning::onnx_exec
