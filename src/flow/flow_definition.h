// A flow file, as upstream Kenning's KenningFlow reads it: a list of runners
//   [{"type": "CameraDataProvider", "parameters": {...}, "outputs": {"frame": "cam"}},
//    {"type": "ModelRuntimeRunner", "parameters": {"model_wrapper": {...}, "runtime": {...}},
//     "inputs": {"input": "cam"}, "outputs": {"output": "preds"}},
//    {"type": "NamePrinter", "inputs": {"predictions": "preds"}}]
// where "inputs" / "outputs" map a runner's own I/O names to global
// connection names. This file reads and checks the structure and the graph;
// the I/O specifications are checked once the runners exist (kenning_flow.h).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenning {

struct RunnerBlock {
  std::string type;
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> inputs;   // own name -> connection
  std::vector<std::pair<std::string, std::string>> outputs;  // own name -> connection
  std::string where;                                         // "flow.json: runner 2 (NamePrinter)", for errors
};

struct FlowDefinition {
  std::vector<RunnerBlock> runners;
  std::string where;  // the file, for errors
};

// Checks the structure of a parsed flow; throws ConfigError naming the runner
// and key on anything else than a non-empty list of runner objects.
FlowDefinition parse_flow(const nlohmann::json& flow, const std::string& where);
// Reads a .json, .yml or .yaml flow file; IoError when unreadable/malformed.
FlowDefinition load_flow(const std::filesystem::path& path);

// Runner indices in an order where every runner comes after the runners
// feeding it. Throws ConfigError for a connection written by two runners, an
// input no runner writes (dangling) or a cycle (naming its runners).
std::vector<std::size_t> flow_order(const FlowDefinition& flow);

}  // namespace kenning
