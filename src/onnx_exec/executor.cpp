#include "onnx_exec/executor.h"

#include <map>
#include <optional>

#include "onnx_exec/fusion.h"
#include "onnx_exec/qdq_fusion.h"
#include "kenning/core/error.h"
#include "onnx_exec/tensor_proto.h"

namespace kenning::onnx_exec {
namespace {

std::string dims_to_string(const std::vector<std::int64_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    s += (i ? ", " : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  }
  return s + "]";
}

// The arena's plan holds for one set of input shapes and dtypes.
std::vector<std::int64_t> arena_key(const std::vector<at::Tensor>& inputs) {
  std::vector<std::int64_t> key;
  for (const at::Tensor& t : inputs) {
    key.push_back(static_cast<std::int64_t>(t.scalar_type()));
    key.push_back(t.dim());
    key.insert(key.end(), t.sizes().begin(), t.sizes().end());
  }
  return key;
}

}  // namespace

Executor Executor::load(const std::filesystem::path& file, const ExecutorOptions& options) {
  const onnx::ModelProto model = read_model_file(file);
  Graph graph = build_graph(model, file);
  std::vector<onnx::NodeProto> sorted = graph.nodes;  // before fusion rewrites them
  Executor e = from_graph(std::move(graph), options);
  // After the op lookup, so an unsupported op or attribute is named as such.
  check_types_and_shapes(model, sorted, quoted(file));
  return e;
}

Executor Executor::from_graph(Graph graph, const ExecutorOptions& options) {
  Executor e;
  e.graph_ = std::move(graph);
  if (options.fusion) {
    e.fusion_ = fuse_for_inference(e.graph_);
    // After the float fusion, which may have moved a Relu into a Conv.
    e.qdq_fusion_ = fuse_qdq(e.graph_);
  }
  const std::string file = quoted(e.graph_.file);
  std::map<std::string, int> slot;
  auto slot_of = [&](const std::string& name) {
    auto [it, added] = slot.emplace(name, e.num_slots_);
    if (added) ++e.num_slots_;
    return it->second;
  };
  for (const auto& [name, value] : e.graph_.initializers) e.constants_.emplace_back(slot_of(name), value);
  for (const auto& in : e.graph_.inputs) e.input_slots_.push_back(slot_of(in.name));

  const OpTable& table = op_table();
  for (std::size_t i = 0; i < e.graph_.nodes.size(); ++i) {
    const onnx::NodeProto& node = e.graph_.nodes[i];
    Step step;
    step.where = file + ": " + describe_node(node, i) + ", opset " + std::to_string(e.graph_.opset);
    const auto it = table.find(node.op_type());
    if (it == table.end()) {
      throw NotSupported(step.where + ": op '" + node.op_type() + "' is not supported");
    }
    step.kernel = it->second(OpContext(node, e.graph_.opset, step.where, &e.graph_.initializers));
    for (const auto& in : node.input()) step.inputs.push_back(in.empty() ? -1 : slot_of(in));
    for (const auto& out : node.output()) step.outputs.push_back(out.empty() ? -1 : slot_of(out));
    e.steps_.push_back(std::move(step));
  }
  for (const auto& out : e.graph_.outputs) e.output_slots_.push_back(slot_of(out.name));

  // Free each intermediate after its last reader; never inputs, constants or outputs.
  std::vector<int> last_use(e.num_slots_, -1);
  for (std::size_t i = 0; i < e.steps_.size(); ++i) {
    for (int s : e.steps_[i].inputs)
      if (s >= 0) last_use[s] = static_cast<int>(i);
    for (int s : e.steps_[i].outputs) {
      if (s >= 0 && last_use[s] < static_cast<int>(i)) last_use[s] = static_cast<int>(i);
    }
  }
  std::vector<bool> keep(e.num_slots_, false);
  for (const auto& [s, _] : e.constants_) keep[s] = true;
  for (int s : e.input_slots_) keep[s] = true;
  for (int s : e.output_slots_) keep[s] = true;
  for (int s = 0; s < e.num_slots_; ++s) {
    if (!keep[s] && last_use[s] >= 0) e.steps_[last_use[s]].release.push_back(s);
  }
  return e;
}

std::vector<at::Tensor> Executor::run(const std::vector<at::Tensor>& inputs) const {
  const std::string file = quoted(graph_.file);
  if (inputs.size() != graph_.inputs.size()) {
    throw ConfigError(file + ": expected " + std::to_string(graph_.inputs.size()) + " inputs, got " +
                      std::to_string(inputs.size()));
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const ValueInfo& spec = graph_.inputs[i];
    const at::Tensor& t = inputs[i];
    if (t.scalar_type() != spec.dtype) {
      throw ConfigError(file + ": input '" + spec.name + "' must be " + std::string(c10::toString(spec.dtype)) +
                        ", got " + c10::toString(t.scalar_type()));
    }
    if (!spec.ranked) continue;
    bool ok = t.dim() == static_cast<std::int64_t>(spec.shape.size());
    for (std::size_t d = 0; ok && d < spec.shape.size(); ++d) {
      ok = spec.shape[d] < 0 || spec.shape[d] == t.size(static_cast<std::int64_t>(d));
    }
    if (!ok) {
      throw ConfigError(file + ": input '" + spec.name + "' has shape " +
                        dims_to_string(std::vector<std::int64_t>(t.sizes().begin(), t.sizes().end())) +
                        ", the model expects " + dims_to_string(spec.shape));
    }
  }

  c10::InferenceMode guard;
  std::optional<ArenaScope> arena;
  if (arena_enabled_) arena.emplace(*arena_, arena_key(inputs));
  std::vector<at::Tensor> values(num_slots_);
  for (const auto& [s, value] : constants_) values[s] = value;
  for (std::size_t i = 0; i < inputs.size(); ++i) values[input_slots_[i]] = inputs[i];

  Values args;
  for (const Step& step : steps_) {
    args.clear();
    for (int s : step.inputs) args.push_back(s >= 0 ? values[s] : at::Tensor());
    Values results;
    try {
      results = step.kernel(args);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& ex) {
      // ATen's messages carry a C++ backtrace after the first line.
      std::string what = ex.what();
      what = what.substr(0, what.find('\n'));
      throw BackendError(step.where + ": " + what);
    }
    if (results.size() < step.outputs.size()) {
      for (std::size_t o = results.size(); o < step.outputs.size(); ++o) {
        if (step.outputs[o] >= 0) {
          throw BackendError(step.where + ": produced " + std::to_string(results.size()) + " outputs, the node names " +
                             std::to_string(step.outputs.size()));
        }
      }
    }
    for (std::size_t o = 0; o < step.outputs.size() && o < results.size(); ++o) {
      if (step.outputs[o] >= 0) values[step.outputs[o]] = std::move(results[o]);
    }
    for (int s : step.release) values[s].reset();
  }
  std::vector<at::Tensor> out;
  for (int s : output_slots_) out.push_back(values[s]);
  return out;
}

}  // namespace kenning::onnx_exec
