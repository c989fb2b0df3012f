// Static int8 quantization of an ONNX model in the QDQ form (as ONNX Runtime
// writes it): weights become int8 initializers read through
// DequantizeLinear, chosen float activations get a QuantizeLinear /
// DequantizeLinear pair, and the float ops stay in between. A runtime fuses
// `DQ -> Conv -> Q` into an integer convolution; any other runtime still
// runs the model correctly op by op.
//
// Two steps, because calibration sits between them:
//   plan_qdq   decides which tensors are quantized (and refuses models it
//              cannot quantize);
//   apply_qdq  rewrites the model with the activation ranges calibrated for
//              the planned tensors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "optimizers/activation_calibration.h"

namespace kenning {

enum class QuantType { Int8, UInt8 };

// A weight (or bias) initializer read by a Conv, Gemm or MatMul.
struct QuantizedWeight {
  std::string name;
  std::int64_t axis = 0;   // the output-channel axis (per-channel scales)
  std::string bias;        // the node's constant bias, "" when none
  std::string activation;  // the node's quantized input (bias scale = its scale x weight scale)
};

struct QdqPlan {
  // Float activations that get a QuantizeLinear/DequantizeLinear pair, in
  // graph order; those need a calibrated range.
  std::vector<std::string> activations;
  // Outputs of data-movement ops (MaxPool, Reshape, ...) that reuse their
  // input's scale and zero point, so a runtime can run the op on integers.
  std::map<std::string, std::string> shares_params_with;
  std::vector<QuantizedWeight> weights;
  // Tensors to calibrate: activations minus the ones sharing parameters.
  std::vector<std::string> tensors_to_calibrate() const;
};

// Throws NotSupported naming the node for: ops outside the default domain,
// an already quantized model (QuantizeLinear, QLinear*, ...), a model with
// nothing to quantize (no Conv, Gemm or MatMul with a constant float
// weight), and per-channel weights below opset 13. `cls` and `file` name
// the optimizer and the model in messages.
QdqPlan plan_qdq(const onnx::ModelProto& model, bool per_channel, const std::string& cls, const std::string& file);

struct QdqOptions {
  bool per_channel = true;
  QuantType activations = QuantType::UInt8;
  bool quantize_inputs = false;   // graph inputs become integer (no QuantizeLinear in the model)
  bool quantize_outputs = false;  // graph outputs stay integer (no final DequantizeLinear)
};

// Scale and zero point of one quantized graph input or output.
struct QuantParams {
  float scale = 1.0f;
  std::int64_t zero_point = 0;
};

struct QdqResult {
  int quantized_weights = 0;
  int quantized_biases = 0;
  int quantized_activations = 0;
  // Graph inputs/outputs left integer (quantize_inputs/outputs), by name.
  std::map<std::string, QuantParams> integer_inputs, integer_outputs;
};

// Rewrites `model`; `ranges` must hold every tensor of plan.tensors_to_calibrate().
QdqResult apply_qdq(onnx::ModelProto& model, const QdqPlan& plan, const std::map<std::string, TensorRange>& ranges,
                    const QdqOptions& options, const std::string& cls);

// Asymmetric parameters covering [min(0, r.min), max(0, r.max)] in `type`.
QuantParams activation_params(const TensorRange& r, QuantType type);

}  // namespace kenning
