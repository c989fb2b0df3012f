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

#include "graph.h"

namespace kenning::onnx_exec {

// Attributes the fusion adds to a Conv node; the Conv kernel reads them.
inline constexpr const char* kFusedActivation = "kenning.activation";  // "Relu" or "Clip"
inline constexpr const char* kFusedClipMin = "kenning.clip_min";
inline constexpr const char* kFusedClipMax = "kenning.clip_max";

struct FusionStats {
  int folded_constant_casts = 0;
  int folded_batch_norms = 0;
  int fused_activations = 0;
};

FusionStats fuse_for_inference(Graph& graph);

}  // namespace kenning::onnx_exec
