// Scenario files: JSON or YAML objects of {"type", "parameters"} blocks under
// dataset, model_wrapper, optimizers (a list), runtime, protocol, and upstream
// Kenning's platform, report, automl, runtime_builder, inference_loop
// (blocks) and optimization_parameters (an object).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace kenning {

// Top-level keys a scenario may have.
const std::vector<std::string>& scenario_keys();

// Reads a .json, .yml or .yaml file into JSON. Throws IoError naming the file
// (and line for parse errors) when unreadable or malformed, ConfigError for
// unknown top-level keys or blocks without a string "type" / object "parameters".
nlohmann::json load_scenario(const std::filesystem::path& path);

// Parses YAML text into JSON (plain scalars become numbers/bools/null where
// they look like one; quoted scalars stay strings). `where` names the source.
nlohmann::json yaml_to_json(const std::string& text, const std::string& where);

// Checks the block structure of a scenario (already loaded); `where` names it.
void check_scenario_structure(const nlohmann::json& scenario, const std::string& where);

}  // namespace kenning
