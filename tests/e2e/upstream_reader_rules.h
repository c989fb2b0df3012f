// What upstream Kenning's reader (its `kenning report` and comparisons)
// expects of the keys it reads in a measurements file, as
// docs/measurements.md describes them: the types of every such key. Empty
// when the file passes; else one line per broken rule, naming the key.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenning::testing {

inline std::vector<std::string> upstream_reader_problems(const nlohmann::json& m) {
  using nlohmann::json;
  std::vector<std::string> problems;
  auto fail = [&](const std::string& key, const std::string& expected) {
    problems.push_back(key + ": expected " + expected + ", got " + m[key].dump().substr(0, 60));
  };
  auto list_of = [](const json& v, auto&& item_ok) {
    if (!v.is_array()) return false;
    for (const auto& x : v) {
      if (!item_ok(x)) return false;
    }
    return true;
  };
  auto number = [](const json& x) { return x.is_number(); };
  auto string = [](const json& x) { return x.is_string(); };
  auto numbers = [&](const json& x) { return list_of(x, number); };
  // Upstream's report fails on a plain-string command (exit 2).
  if (!m.contains("command") || !list_of(m["command"], string))
    problems.push_back("command: expected a list of strings");
  for (const char* key : {"model_framework", "model_version"}) {
    if (!m.contains(key) || !m[key].is_string()) problems.push_back(std::string(key) + ": expected a string");
  }
  if (!m.contains("build_cfg") || !m["build_cfg"].is_object()) problems.push_back("build_cfg: expected an object");
  if (m.contains("cfg_path") && !m["cfg_path"].is_string()) fail("cfg_path", "a string");
  for (const char* key : {"compiled_model_size", "top_5_count", "total"}) {
    if (m.contains(key) && !m[key].is_number_integer()) fail(key, "an integer");
  }
  if (m.contains("class_names") && !list_of(m["class_names"], string)) fail("class_names", "a list of strings");
  if (m.contains("optimizers") && !list_of(m["optimizers"], [](const json& o) {
        return o.is_object() && o.contains("compiler_framework") && o.contains("compiler_version");
      })) {
    fail("optimizers", "a list of {compiler_framework, compiler_version}");
  }
  if (!m.contains("target_inference_step") && !m.contains("protocol_inference_step")) {
    problems.push_back("target_inference_step or protocol_inference_step: expected one of them");
  }
  for (const char* key :
       {"target_inference_step", "protocol_inference_step", "input_preprocess_step", "output_postprocess_step"}) {
    if (!m.contains(key)) continue;
    const std::string stamps = std::string(key) + "_timestamp";
    if (!numbers(m[key])) fail(key, "a list of numbers");
    if (!m.contains(stamps) || !numbers(m[stamps]) || m[stamps].size() != m[key].size()) {
      problems.push_back(stamps + ": expected a list of numbers as long as " + key);
    }
  }
  if (m.contains("session_utilization_cpus_percent") && !list_of(m["session_utilization_cpus_percent"], numbers)) {
    fail("session_utilization_cpus_percent", "a list of lists of numbers (per core)");
  }
  for (const char* key : {"session_utilization_mem_percent", "session_utilization_timestamp"}) {
    if (m.contains(key) && !numbers(m[key])) fail(key, "a list of numbers");
  }
  if (m.contains("eval_confusion_matrix") && !list_of(m["eval_confusion_matrix"], numbers)) {
    fail("eval_confusion_matrix", "a list of lists of numbers");
  }
  if (m.contains("tags") && !list_of(m["tags"], [](const json& t) {
        return t.is_object() && t.contains("name") && t.contains("start") && t.contains("end");
      })) {
    fail("tags", "a list of {name, start, end}");
  }
  return problems;
}

}  // namespace kenning::testing
