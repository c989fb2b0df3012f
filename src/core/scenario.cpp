#include "kenning/core/scenario.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "kenning/core/error.h"

namespace kenning {

namespace {

using nlohmann::json;

// YAML 1.2 core-schema resolution of a plain (unquoted) scalar.
json plain_scalar(const std::string& s) {
  static const std::regex int_re(R"([-+]?[0-9]+)");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, int_re)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (std::regex_match(s, float_re)) return std::stod(s);
  return s;
}

json node_to_json(const YAML::Node& node, const std::string& where) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // Quoted scalars carry the "!" tag and stay strings.
      return node.Tag() == "!" ? json(node.Scalar()) : plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) arr.push_back(node_to_json(item, where));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          throw IoError(where + ": line " + std::to_string(kv.first.Mark().line + 1) +
                        ": mapping keys must be plain strings");
        }
        obj[kv.first.Scalar()] = node_to_json(kv.second, where);
      }
      return obj;
    }
  }
  return nullptr;
}

void check_block(const json& block, const std::string& where) {
  if (!block.is_object()) throw ConfigError(where + ": expected an object {\"type\": ..., \"parameters\": {...}}");
  for (const auto& [key, value] : block.items()) {
    if (key != "type" && key != "parameters") {
      throw ConfigError(where + ": unknown key '" + key + "', expected 'type' and 'parameters'");
    }
  }
  if (!block.contains("type") || !block["type"].is_string()) {
    throw ConfigError(where + ".type: expected a class name (string)");
  }
  if (block.contains("parameters") && !block["parameters"].is_object() && !block["parameters"].is_null()) {
    throw ConfigError(where + ".parameters: expected an object");
  }
}

}  // namespace

const std::vector<std::string>& scenario_keys() {
  // Ours, then the blocks of upstream Kenning's scenarios: platform is
  // checked, report runs after `kenning test`, the others get a warning.
  static const std::vector<std::string> keys = {
      "dataset",       "model_wrapper", "optimizers", "runtime",         "protocol",
      "platform",      "report",        "automl",     "runtime_builder", "optimization_parameters",
      "inference_loop"};
  return keys;
}

json yaml_to_json(const std::string& text, const std::string& where) {
  try {
    return node_to_json(YAML::Load(text), where);
  } catch (const YAML::Exception& e) {
    throw IoError(where + ": line " + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

void check_scenario_structure(const json& scenario, const std::string& where) {
  if (!scenario.is_object()) throw ConfigError(where + ": expected an object of blocks at the top level");
  const auto& keys = scenario_keys();
  for (const auto& [key, value] : scenario.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string known;
      for (std::size_t i = 0; i < keys.size(); ++i) known += (i ? ", " : "") + keys[i];
      throw ConfigError(where + ": unknown top-level key '" + key + "'; expected one of: " + known);
    }
    if (key == "optimization_parameters") {
      // Upstream's grid-search settings: an object of lists, not a block.
      if (!value.is_object()) throw ConfigError(where + ": optimization_parameters: expected an object");
    } else if (key == "optimizers") {
      if (!value.is_array()) throw ConfigError(where + ": optimizers: expected a list of blocks");
      for (std::size_t i = 0; i < value.size(); ++i) {
        check_block(value[i], where + ": optimizers[" + std::to_string(i) + "]");
      }
    } else {
      check_block(value, where + ": " + key);
    }
  }
}

json load_scenario(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open scenario file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  json scenario;
  if (ext == ".yml" || ext == ".yaml") {
    scenario = yaml_to_json(text, path.string());
  } else {
    try {
      scenario = json::parse(text);
    } catch (const json::parse_error& e) {
      // e.byte is the offset of the error; report line and column like an editor.
      const std::size_t at = std::min<std::size_t>(e.byte ? e.byte - 1 : 0, text.size());
      const auto line = 1 + std::count(text.begin(), text.begin() + at, '\n');
      throw IoError(path.string() + ": line " + std::to_string(line) + ": invalid JSON: " + e.what());
    }
  }
  check_scenario_structure(scenario, path.string());
  return scenario;
}

}  // namespace kenning
