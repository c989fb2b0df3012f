#include "optimizers/onnx_int8_quantizer.h"

#include <onnx/common/version.h>
#include <onnx/onnx_pb.h>
#include <spdlog/spdlog.h>

#include "optimizers/activation_calibration.h"
#include "kenning/core/error.h"
#include "optimizers/onnx_graph_optimizer.h"
#include "optimizers/onnx_model_util.h"
#include "optimizers/qdq_rewrite.h"

namespace kenning {
namespace {

constexpr const char* kClass = "ONNXInt8Quantizer";

using ValueType = ONNXInt8Quantizer::ValueType;

QuantType quant_type(ValueType t) { return t == ValueType::Int8 ? QuantType::Int8 : QuantType::UInt8; }

DType dtype_of(QuantType t) { return t == QuantType::Int8 ? DType::Int8 : DType::UInt8; }

// The spec entries of integer graph inputs/outputs get their dtype, scale
// and zero point; prequantized_dtype records what the data was before.
void mark_quantized(std::vector<TensorSpec>& entries, const std::map<std::string, QuantParams>& integer, QuantType t,
                    const std::string& what) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto it = integer.find(entries[i].name);
    if (it == integer.end() && entries.size() == 1 && integer.size() == 1) it = integer.begin();
    if (it == integer.end()) {
      throw BackendError(std::string(kClass) + ": the I/O spec's " + what + " '" + entries[i].name +
                         "' is not a graph " + what + " of the quantized model");
    }
    entries[i].prequantized_dtype = entries[i].dtype;
    entries[i].dtype = dtype_of(t);
    entries[i].scale = it->second.scale;
    entries[i].zero_point = it->second.zero_point;
  }
}

}  // namespace

ONNXInt8Quantizer::ONNXInt8Quantizer(const Params& params) : params_(params) {
  schema().check(params_);
  for (const auto* io : {&params_.inference_input_type, &params_.inference_output_type}) {
    if (*io != ValueType::Float32 && *io != params_.activation_dtype) {
      throw ConfigError(std::string(kClass) + ": inference_" +
                        (io == &params_.inference_input_type ? "input" : "output") + "_type " +
                        enum_name(kInferenceTypeNames, *io) + " must be float32 or the activation_dtype (" +
                        enum_name(kActivationTypeNames, params_.activation_dtype) + ")");
    }
  }
}

std::string ONNXInt8Quantizer::framework_version() const {
  return std::string("libonnx ") + onnx::LAST_RELEASE_VERSION;
}

void ONNXInt8Quantizer::check_calibration(const CalibrationData* calibration) const {
  if (!calibration) {
    throw ConfigError(std::string(kClass) + ": needs calibration data: give the scenario a dataset block");
  }
  const auto samples = static_cast<std::size_t>(params_.calibration_samples);
  if (calibration->size() == 0) {
    throw ConfigError(std::string(kClass) + ": the calibration set (" + calibration->describe() + ") is empty");
  }
  if (calibration->size() < samples) {
    throw ConfigError(std::string(kClass) + ": calibration_samples is " + std::to_string(samples) + ", but " +
                      calibration->describe() + " has only " + std::to_string(calibration->size()) + " samples");
  }
}

IOSpec ONNXInt8Quantizer::compile(const std::filesystem::path& input_model, const IOSpec& spec,
                                  const CalibrationData* calibration) {
  const std::filesystem::path& out = params_.compiled_model_path;
  check_input_model(kClass, input_model);
  check_compiled_model_path(kClass, out, input_model);
  check_calibration(calibration);
  const auto samples = static_cast<std::size_t>(params_.calibration_samples);
  onnx::ModelProto model = load_checked_onnx_model(input_model, kClass);
  const auto nodes_before = model.graph().node_size();
  if (params_.optimize_graph) {
    ONNXGraphOptimizer::Params gp;
    gp.compiled_model_path = out;  // required; optimize() only rewrites `model`
    ONNXGraphOptimizer(gp).optimize(model);
  }
  const QdqPlan plan = plan_qdq(model, params_.per_channel, kClass, input_model.string());

  CalibrationOptions copts;
  copts.method =
      params_.calibration_method == CalibrationMethod::Percentile ? RangeMethod::Percentile : RangeMethod::MinMax;
  copts.percentile = params_.percentile;
  copts.samples = samples;
  copts.batch_size = static_cast<std::size_t>(params_.calibration_batch_size);
  const auto ranges = calibrate_ranges(model, input_model, plan.tensors_to_calibrate(), *calibration, copts);

  QdqOptions qopts;
  qopts.per_channel = params_.per_channel;
  qopts.activations = quant_type(params_.activation_dtype);
  qopts.quantize_inputs = params_.inference_input_type != ValueType::Float32;
  qopts.quantize_outputs = params_.inference_output_type != ValueType::Float32;
  const QdqResult result = apply_qdq(model, plan, ranges, qopts, kClass);

  IOSpec out_spec = spec;
  auto& model_inputs = out_spec.processed_input.empty() ? out_spec.input : out_spec.processed_input;
  if (qopts.quantize_inputs) mark_quantized(model_inputs, result.integer_inputs, qopts.activations, "input");
  if (qopts.quantize_outputs) mark_quantized(out_spec.output, result.integer_outputs, qopts.activations, "output");
  save_compiled_onnx_model(model, out_spec, out, kClass);

  OptimizerReport r;
  r.nodes_before = nodes_before;
  r.nodes_after = model.graph().node_size();
  r.bytes_before = std::filesystem::file_size(input_model);
  r.bytes_after = std::filesystem::file_size(out);
  report_ = report_to_json(r);
  report_["quantized_weights"] = result.quantized_weights;
  report_["quantized_biases"] = result.quantized_biases;
  report_["quantized_activations"] = result.quantized_activations;
  report_["calibration_samples"] = samples;
  const std::string method = enum_name(kCalibrationMethodNames, params_.calibration_method);
  report_["calibration_method"] = method;
  report_["per_channel"] = params_.per_channel;
  report_["activation_dtype"] = enum_name(kActivationTypeNames, params_.activation_dtype);
  spdlog::info(
      "{}: {} -> {}: {} weights, {} biases, {} activations quantized ({} calibration samples, {}), "
      "{} -> {} bytes",
      kClass, input_model.string(), out.string(), result.quantized_weights, result.quantized_biases,
      result.quantized_activations, samples, method, r.bytes_before, r.bytes_after);
  return out_spec;
}

}  // namespace kenning
