#include "flow/flow_definition.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "kenning/core/error.h"
#include "kenning/core/scenario.h"

namespace kenning {
namespace {

using nlohmann::json;

std::vector<std::pair<std::string, std::string>> read_connections(const json& block, const char* key,
                                                                  const std::string& where) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!block.contains(key)) return out;
  const json& map = block.at(key);
  if (!map.is_object()) {
    throw ConfigError(where + ": '" + key + "' must be an object mapping the runner's names to connection names");
  }
  for (const auto& [name, connection] : map.items()) {
    if (!connection.is_string() || connection.get<std::string>().empty()) {
      throw ConfigError(where + ": " + key + "." + name + ": expected a connection name (non-empty string), got " +
                        connection.dump());
    }
    out.emplace_back(name, connection.get<std::string>());
  }
  return out;
}

}  // namespace

FlowDefinition parse_flow(const json& flow, const std::string& where) {
  if (!flow.is_array() || flow.empty()) {
    throw ConfigError(where + ": expected a non-empty list of runners ({type, parameters, inputs, outputs})");
  }
  FlowDefinition def;
  def.where = where;
  for (std::size_t i = 0; i < flow.size(); ++i) {
    const json& block = flow[i];
    std::string here = where + ": runner " + std::to_string(i);
    if (!block.is_object()) throw ConfigError(here + ": expected an object, got " + block.dump());
    if (!block.contains("type") || !block["type"].is_string()) {
      throw ConfigError(here + ": missing string 'type' (the runner's class)");
    }
    RunnerBlock r;
    r.type = block["type"].get<std::string>();
    here += " (" + r.type + ")";
    for (const auto& [key, value] : block.items()) {
      if (key != "type" && key != "parameters" && key != "inputs" && key != "outputs") {
        throw ConfigError(here + ": unknown key '" + key + "'; expected type, parameters, inputs, outputs");
      }
    }
    if (block.contains("parameters")) {
      if (!block["parameters"].is_object()) throw ConfigError(here + ": 'parameters' must be an object");
      r.parameters = block["parameters"];
    }
    r.inputs = read_connections(block, "inputs", here);
    r.outputs = read_connections(block, "outputs", here);
    r.where = here;
    def.runners.push_back(std::move(r));
  }
  return def;
}

FlowDefinition load_flow(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path.string() + ": cannot read flow file");
  std::stringstream text;
  text << in.rdbuf();
  const std::string ext = path.extension().string();
  json flow;
  if (ext == ".yml" || ext == ".yaml") {
    flow = yaml_to_json(text.str(), path.string());
  } else {
    try {
      flow = json::parse(text.str());
    } catch (const json::parse_error& e) {
      throw IoError(path.string() + ": not valid JSON: " + e.what());
    }
  }
  return parse_flow(flow, path.string());
}

std::vector<std::size_t> flow_order(const FlowDefinition& flow) {
  const auto& runners = flow.runners;
  std::map<std::string, std::size_t> producer;
  for (std::size_t i = 0; i < runners.size(); ++i) {
    for (const auto& [name, connection] : runners[i].outputs) {
      const auto [it, inserted] = producer.emplace(connection, i);
      if (!inserted) {
        throw ConfigError(runners[i].where + ": output '" + name + "' writes connection '" + connection + "', which " +
                          runners[it->second].where.substr(flow.where.size() + 2) + " already writes");
      }
    }
  }
  // Edges producer -> consumer.
  std::vector<std::vector<std::size_t>> feeds(runners.size());
  for (std::size_t i = 0; i < runners.size(); ++i) {
    for (const auto& [name, connection] : runners[i].inputs) {
      const auto it = producer.find(connection);
      if (it == producer.end()) {
        throw ConfigError(runners[i].where + ": input '" + name + "' reads connection '" + connection +
                          "', which no runner writes (dangling input)");
      }
      feeds[i].push_back(it->second);
    }
  }
  // Depth-first search; a runner met again while on the stack closes a cycle.
  enum class Mark { New, Active, Done };
  std::vector<Mark> mark(runners.size(), Mark::New);
  std::vector<std::size_t> order, stack;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    mark[i] = Mark::Active;
    stack.push_back(i);
    for (std::size_t from : feeds[i]) {
      if (mark[from] == Mark::Active) {
        std::string cycle;
        for (auto it = std::find(stack.begin(), stack.end(), from); it != stack.end(); ++it) {
          cycle += "runner " + std::to_string(*it) + " (" + runners[*it].type + ") <- ";
        }
        throw ConfigError(flow.where + ": the connections form a cycle: " + cycle + "runner " + std::to_string(from) +
                          "; a flow must run from providers to collectors");
      }
      if (mark[from] == Mark::New) visit(from);
    }
    stack.pop_back();
    mark[i] = Mark::Done;
    order.push_back(i);
  };
  for (std::size_t i = 0; i < runners.size(); ++i) {
    if (mark[i] == Mark::New) visit(i);
  }
  return order;
}

}  // namespace kenning
