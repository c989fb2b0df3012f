#include "optimizers/onnx_fp16_compressor.h"

#include <set>

#include <onnx/common/version.h>
#include <onnx/onnx_pb.h>
#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/core/float16.h"
#include "onnx/onnx_graph_builder.h"
#include "optimizers/onnx_model_util.h"

namespace kenning {
namespace {

constexpr const char* kClass = "ONNXFloat16Compressor";

// Float32 initializers become float16 "<name>.fp16" read by a Cast back to
// "<name>"; returns how many were compressed.
int compress(onnx::ModelProto& model, std::int64_t min_elements) {
  onnx::GraphProto& g = *model.mutable_graph();
  std::set<std::string> used;
  for (const auto& v : g.input()) used.insert(v.name());
  for (const auto& t : g.initializer()) used.insert(t.name());
  for (const auto& n : g.node()) {
    used.insert(n.input().begin(), n.input().end());
    used.insert(n.output().begin(), n.output().end());
  }
  std::set<std::string> graph_inputs;
  for (const auto& v : g.input()) graph_inputs.insert(v.name());

  google::protobuf::RepeatedPtrField<onnx::NodeProto> casts;
  int count = 0;
  for (auto& t : *g.mutable_initializer()) {
    if (t.data_type() != onnx::TensorProto_DataType_FLOAT) continue;
    if (graph_inputs.count(t.name()) || onnx_element_count(t) < min_elements) continue;
    const auto values = onnx_float_values(t);
    if (!values) continue;  // external data stays as it is
    std::string half_name = t.name() + ".fp16";
    for (int i = 1; used.count(half_name); ++i) half_name = t.name() + ".fp16_" + std::to_string(i);
    used.insert(half_name);

    std::string raw(values->size() * 2, '\0');
    for (std::size_t i = 0; i < values->size(); ++i) {
      const std::uint16_t h = float_to_half((*values)[i]);
      raw[2 * i] = static_cast<char>(h & 0xff);
      raw[2 * i + 1] = static_cast<char>(h >> 8);
    }
    onnx::NodeProto* cast = casts.Add();
    cast->set_op_type("Cast");
    cast->set_name(half_name + ".cast");
    cast->add_input(half_name);
    cast->add_output(t.name());
    onnx::AttributeProto* to = cast->add_attribute();
    to->set_name("to");
    to->set_type(onnx::AttributeProto_AttributeType_INT);
    to->set_i(onnx::TensorProto_DataType_FLOAT);

    t.set_name(half_name);
    t.clear_float_data();
    t.set_data_type(onnx::TensorProto_DataType_FLOAT16);
    t.set_raw_data(std::move(raw));
    ++count;
  }
  // The casts come first, so the node list stays topologically sorted.
  for (auto& n : *g.mutable_node()) *casts.Add() = std::move(n);
  g.mutable_node()->Swap(&casts);
  return count;
}

}  // namespace

ONNXFloat16Compressor::ONNXFloat16Compressor(const Params& params) : params_(params) { schema().check(params_); }

std::string ONNXFloat16Compressor::framework_version() const {
  return std::string("libonnx ") + onnx::LAST_RELEASE_VERSION;
}

IOSpec ONNXFloat16Compressor::compile(const std::filesystem::path& input_model, const IOSpec& spec,
                                      const CalibrationData* /*calibration*/) {
  const std::filesystem::path& out = params_.compiled_model_path;
  check_input_model(kClass, input_model);
  check_compiled_model_path(kClass, out, input_model);
  onnx::ModelProto model = load_checked_onnx_model(input_model, kClass);
  if (model.ir_version() < 4) {
    throw NotSupported(std::string(kClass) + ": input model '" + input_model.string() + "' has IR version " +
                       std::to_string(model.ir_version()) +
                       " (initializers must be graph inputs there); IR 4 or newer is needed");
  }
  OptimizerReport report;
  report.nodes_before = model.graph().node_size();
  report.bytes_before = std::filesystem::file_size(input_model);
  const int compressed = compress(model, params_.min_elements);
  report.nodes_after = model.graph().node_size();
  save_compiled_onnx_model(model, spec, out, kClass);
  report.bytes_after = std::filesystem::file_size(out);
  report_ = report;
  spdlog::info("{}: {} -> {}: {} initializers stored as float16, {} -> {} bytes, {} -> {} nodes", kClass,
               input_model.string(), out.string(), compressed, report.bytes_before, report.bytes_after,
               report.nodes_before, report.nodes_after);
  return spec;
}

}  // namespace kenning
