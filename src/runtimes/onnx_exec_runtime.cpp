#include "runtimes/onnx_exec_runtime.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <thread>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "onnx_exec/tensor_proto.h"

namespace kenning {
namespace {

// Outputs kenning has no dtype for widen or narrow to the nearest one it has.
std::pair<at::ScalarType, DType> output_type(at::ScalarType t) {
  switch (t) {
    case at::kHalf:
      return {t, DType::Float16};
    case at::kChar:
      return {t, DType::Int8};
    case at::kByte:
      return {t, DType::UInt8};
    case at::kBool:
      return {at::kByte, DType::UInt8};
    case at::kShort:
    case at::kInt:
      return {at::kInt, DType::Int32};
    case at::kLong:
      return {t, DType::Int64};
    default:
      return {at::kFloat, DType::Float32};
  }
}

}  // namespace

struct ONNXExecRuntime::State {
  std::optional<onnx_exec::Executor> executor;
  std::filesystem::path model;
  std::vector<TensorSpec> input_specs;
  std::vector<std::size_t> input_order;   // spec index -> model input index
  std::vector<std::size_t> output_order;  // result index -> model output index
  std::vector<at::Tensor> inputs;
  std::vector<at::Tensor> outputs;
  bool has_input = false;
  bool has_output = false;
};

ONNXExecRuntime::ONNXExecRuntime(const Params& params) : params_(params), state_(std::make_unique<State>()) {
  schema().check(params_);
}

ONNXExecRuntime::~ONNXExecRuntime() = default;

std::string ONNXExecRuntime::framework_version() const { return std::string("libtorch ") + TORCH_VERSION; }

void ONNXExecRuntime::prepare_model(const std::filesystem::path& model, const IOSpec& spec) {
  State& s = *state_;
  s.executor.reset();
  s.has_input = s.has_output = false;
  s.model = model.empty() ? params_.save_model_path : model;
  if (s.model.empty()) throw IoError("ONNXExecRuntime: no model file given");
  const std::string file = onnx_exec::quoted(s.model);

  const int threads = params_.num_threads < 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
                                              : static_cast<int>(std::max<std::int64_t>(1, params_.num_threads));
  at::set_num_threads(threads);
  s.executor.emplace(onnx_exec::Executor::load(s.model));
  const auto& model_inputs = s.executor->inputs();
  const auto& model_outputs = s.executor->outputs();

  // Spec inputs bind by name when they all have one the model knows, else by position.
  s.input_specs = spec.model_inputs();
  if (s.input_specs.size() != model_inputs.size()) {
    throw ConfigError("ONNXExecRuntime: the I/O spec lists " + std::to_string(s.input_specs.size()) + " inputs, " +
                      file + " has " + std::to_string(model_inputs.size()));
  }
  auto index_of = [](const auto& list, const std::string& name) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].name == name) return i;
    }
    return list.size();
  };
  const bool by_name = std::all_of(s.input_specs.begin(), s.input_specs.end(),
                                   [&](const auto& t) { return index_of(model_inputs, t.name) < model_inputs.size(); });
  s.input_order.clear();
  for (std::size_t i = 0; i < s.input_specs.size(); ++i) {
    const std::size_t m = by_name ? index_of(model_inputs, s.input_specs[i].name) : i;
    if (onnx_exec::aten_dtype(s.input_specs[i].dtype) != model_inputs[m].dtype) {
      throw ConfigError("ONNXExecRuntime: input '" + s.input_specs[i].name + "' is " +
                        std::string(dtype_name(s.input_specs[i].dtype)) + " in the I/O spec, " +
                        c10::toString(model_inputs[m].dtype) + " in " + file);
    }
    s.input_order.push_back(m);
  }
  const auto& out_specs = spec.model_outputs();
  const bool outputs_by_name =
      !out_specs.empty() && std::all_of(out_specs.begin(), out_specs.end(), [&](const auto& t) {
        return index_of(model_outputs, t.name) < model_outputs.size();
      });
  s.output_order.clear();
  for (std::size_t i = 0; i < (outputs_by_name ? out_specs.size() : model_outputs.size()); ++i) {
    s.output_order.push_back(outputs_by_name ? index_of(model_outputs, out_specs[i].name) : i);
  }
}

void ONNXExecRuntime::load_input(std::span<const TensorView> inputs) {
  State& s = *state_;
  if (!s.executor) throw BackendError("ONNXExecRuntime: load_input before prepare_model");
  s.has_input = s.has_output = false;
  check_inputs_against_spec(inputs, s.input_specs);
  s.inputs.assign(s.input_order.size(), at::Tensor());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    s.inputs[s.input_order[i]] = onnx_exec::aten_copy(inputs[i]);
  }
  s.has_input = true;
}

void ONNXExecRuntime::run() {
  State& s = *state_;
  if (!s.has_input) throw BackendError("ONNXExecRuntime: run before load_input");
  s.outputs = s.executor->run(s.inputs);
  s.has_output = true;
}

std::vector<Tensor> ONNXExecRuntime::extract_output() {
  State& s = *state_;
  if (!s.has_output) throw BackendError("ONNXExecRuntime: extract_output before run");
  std::vector<Tensor> result;
  for (std::size_t m : s.output_order) {
    const auto [aten_type, dtype] = output_type(s.outputs[m].scalar_type());
    const at::Tensor values = s.outputs[m].to(aten_type).contiguous();
    Tensor t(dtype, Shape(values.sizes().begin(), values.sizes().end()));
    if (t.nbytes() > 0) std::memcpy(t.bytes().data(), values.data_ptr(), t.nbytes());
    result.push_back(std::move(t));
  }
  return result;
}

}  // namespace kenning
