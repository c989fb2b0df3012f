// Linear quantization of model inputs and outputs by their I/O spec: a model
// whose sidecar gives an input as int8/uint8 with `scale` and `zero_point`
// gets float data quantized on the way in, and integer outputs with a scale
// come back as float32, so the model wrapper's pre- and postprocessing stay
// the same for a quantized model (as upstream Kenning does).
#pragma once

#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning {

// q = clamp(round_half_even(x / scale) + zero_point) for each float32 tensor
// whose spec entry (same position) is int8/uint8 with a scale; other
// tensors are returned as they are.
std::vector<Tensor> quantize_by_spec(std::vector<Tensor> tensors, const std::vector<TensorSpec>& specs);

// x = (q - zero_point) * scale for each int8/uint8 tensor whose spec entry
// has a scale; other tensors are returned as they are.
std::vector<Tensor> dequantize_by_spec(std::vector<Tensor> tensors, const std::vector<TensorSpec>& specs);

}  // namespace kenning
