#include "flow/kenning_flow.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "flow/collector_node.h"
#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "flow/model_runtime_runner.h"
#include "flow/provider_node.h"

namespace kenning {
namespace {

std::string describe(const TensorSpec& s) { return std::string(dtype_name(s.dtype)) + " " + shape_to_string(s.shape); }

bool compatible(const TensorSpec& produced, const TensorSpec& expected) {
  if (produced.dtype != expected.dtype || produced.shape.size() != expected.shape.size()) return false;
  for (std::size_t i = 0; i < produced.shape.size(); ++i) {
    const auto a = produced.shape[i], b = expected.shape[i];
    if (a != -1 && b != -1 && a != b) return false;
  }
  return true;
}

std::size_t index_of_name(const std::vector<TensorSpec>& specs, const std::string& name) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return i;
  }
  return specs.size();
}

std::string names_of(const std::vector<TensorSpec>& specs) {
  std::string out;
  for (const auto& s : specs) out += (out.empty() ? "" : ", ") + s.name;
  return out.empty() ? "none" : out;
}

// A runner of the runner family (registries().runners), which holds the
// declarations only: the classes need the flow, so they are built here.
std::unique_ptr<FlowNode> make_runner(const ClassInfo& info, const RunnerBlock& block) {
  if (info.name == ModelRuntimeRunner::schema().class_name()) {
    return std::make_unique<ModelRuntimeRunner>(block.parameters, block.where);
  }
  throw std::logic_error("runner '" + info.name + "' is declared but the flow cannot build it");
}

}  // namespace

double FlowStats::work_sum() const {
  double sum = 0;
  for (const auto& r : runners) sum += r.work_seconds;
  return sum;
}

nlohmann::json FlowStats::to_json() const {
  nlohmann::json runners_json = nlohmann::json::array();
  for (const auto& r : runners) {
    runners_json.push_back(
        {{"type", r.type}, {"work_seconds", r.work_seconds}, {"wait_seconds", r.wait_seconds}, {"skipped", r.skipped}});
  }
  return {{"steps", steps},
          {"wall_seconds", wall_seconds},
          {"work_sum_seconds", work_sum()},
          {"stop_reason", stop_reason},
          {"runners", runners_json}};
}

KenningFlow::KenningFlow(const FlowDefinition& definition, FlowOptions options, const std::atomic<bool>& stop)
    : options_(options), stop_(stop) {
  const std::vector<std::size_t> order = flow_order(definition);
  const Registries& reg = registries();

  // Build every runner (opening nothing) in run order.
  std::map<std::size_t, std::size_t> position;  // definition index -> runners_ index
  for (std::size_t index : order) {
    const RunnerBlock& block = definition.runners[index];
    Runner r;
    r.type = block.type;
    r.where = block.where;
    if (const std::size_t i = reg.runners.index_of(block.type); i != std::string_view::npos) {
      r.node = make_runner(reg.runners.classes()[i], block);
    } else if (reg.data_providers.index_of(block.type) != std::string_view::npos) {
      r.node = std::make_unique<ProviderNode>(reg.data_providers.create(block.type, block.parameters, block.where),
                                              options_.pipeline, stop_);
    } else if (reg.output_collectors.index_of(block.type) != std::string_view::npos) {
      r.node = std::make_unique<CollectorNode>(reg.output_collectors.create(block.type, block.parameters, block.where));
    } else {
      std::string known;
      for (const RegistryBase* family :
           {static_cast<const RegistryBase*>(&reg.data_providers), static_cast<const RegistryBase*>(&reg.runners),
            static_cast<const RegistryBase*>(&reg.output_collectors)}) {
        for (const auto& c : family->classes()) known += (known.empty() ? "" : ", ") + c.name;
      }
      throw ConfigError(block.where + ": unknown runner type '" + block.type + "'; known: " + known);
    }
    position[index] = runners_.size();
    runners_.push_back(std::move(r));
  }

  // Outputs: each named output gets the value slot of its connection.
  std::map<std::string, std::pair<std::size_t, std::size_t>> producers;  // connection -> (runner, output)
  std::map<std::string, std::size_t> slots;
  for (std::size_t index : order) {
    const RunnerBlock& block = definition.runners[index];
    Runner& r = runners_[position[index]];
    const auto outputs = r.node->output_spec();
    for (const auto& [name, connection] : block.outputs) {
      const std::size_t i = index_of_name(outputs, name);
      if (i == outputs.size()) {
        throw ConfigError(block.where + ": outputs: '" + name + "' is not an output of " + block.type +
                          "; its outputs: " + names_of(outputs));
      }
      slots[connection] = slot_count_;
      r.outputs.push_back({i, slot_count_++});
      producers[connection] = {position[index], i};
    }
  }

  // Inputs: names must exist, required ones be connected, specs match.
  for (std::size_t index : order) {
    const RunnerBlock& block = definition.runners[index];
    Runner& r = runners_[position[index]];
    const auto inputs = r.node->input_spec();
    const auto optional = r.node->optional_inputs();
    r.input_slots.assign(inputs.size(), std::nullopt);
    r.connected.assign(inputs.size(), TensorSpec{});
    for (const auto& [name, connection] : block.inputs) {
      const std::size_t i = index_of_name(inputs, name);
      if (i == inputs.size()) {
        throw ConfigError(block.where + ": inputs: '" + name + "' is not an input of " + block.type +
                          "; its inputs: " + names_of(inputs));
      }
      const auto [producer, output] = producers.at(connection);
      const Runner& from = runners_[producer];
      const TensorSpec produced = from.node->output_spec()[output];
      if (!compatible(produced, inputs[i])) {
        throw ConfigError(block.where + ": input '" + name + "' expects " + describe(inputs[i]) + ", but connection '" +
                          connection + "' carries " + describe(produced) + " from " +
                          from.where.substr(definition.where.size() + 2) + " output '" + produced.name + "'");
      }
      r.input_slots[i] = slots.at(connection);
      r.connected[i] = produced;
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const bool is_optional = std::find(optional.begin(), optional.end(), inputs[i].name) != optional.end();
      if (!r.input_slots[i] && !is_optional) {
        throw ConfigError(block.where + ": input '" + inputs[i].name + "' (" + describe(inputs[i]) +
                          ") is not connected");
      }
    }
  }
}

KenningFlow::~KenningFlow() {
  try {
    close_all(false);
  } catch (...) {
    // Destruction after a failure: the first error was already reported.
  }
}

void KenningFlow::close_all(bool completed) {
  std::exception_ptr first;
  // Providers first, so their threads stop before anything else goes away.
  for (auto& r : runners_) {
    try {
      r.node->close(completed);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first && completed) std::rethrow_exception(first);
}

FlowStats KenningFlow::run() {
  using Clock = std::chrono::steady_clock;
  FlowStats stats;
  try {
    for (auto& r : runners_) r.node->prepare(r.connected);
    std::vector<Tensor> values(slot_count_);
    std::vector<TensorView> views;
    const auto start = Clock::now();
    while (stats.stop_reason.empty()) {
      if (stop_) {
        stats.stop_reason = "interrupted";
        break;
      }
      if (options_.max_steps != 0 && stats.steps == options_.max_steps) {
        stats.stop_reason = "max steps";
        break;
      }
      for (auto& r : runners_) {
        views.clear();
        for (const auto& slot : r.input_slots) views.push_back(slot ? values[*slot].view() : TensorView());
        std::optional<std::vector<Tensor>> outputs = r.node->step(views);
        if (!outputs) {
          stats.stop_reason = stop_ ? "interrupted" : "provider ended";
          break;
        }
        for (const Port& p : r.outputs) values[p.slot] = std::move((*outputs)[p.spec_index]);
        if (r.node->should_close()) stats.stop_reason = "collector asked to stop";
      }
      if (stats.stop_reason.empty() || stats.stop_reason == "collector asked to stop") ++stats.steps;
    }
    stats.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  } catch (...) {
    close_all(false);
    throw;
  }
  close_all(true);
  for (const auto& r : runners_) {
    stats.runners.push_back({r.type, r.node->work_seconds(), r.node->wait_seconds(), r.node->skipped()});
  }
  return stats;
}

}  // namespace kenning
