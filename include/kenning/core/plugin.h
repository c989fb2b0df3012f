// Base of every plugin family (Dataset, ModelWrapper, Runtime, ...): remembers
// the class name and the effective, validated parameters it was built from,
// so a run can save the exact configuration it used.
#pragma once

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace kenning {

class Plugin {
 public:
  virtual ~Plugin() = default;

  const std::string& type_name() const { return type_name_; }
  const nlohmann::json& parameters() const { return parameters_; }
  // {"type": ..., "parameters": {...}} — the scenario block that rebuilds this object.
  nlohmann::json to_json() const { return {{"type", type_name_}, {"parameters", parameters_}}; }

  // Called by Registry::create once the object is built.
  void set_configuration(std::string type_name, nlohmann::json parameters) {
    type_name_ = std::move(type_name);
    parameters_ = std::move(parameters);
  }

 private:
  std::string type_name_;
  nlohmann::json parameters_ = nlohmann::json::object();
};

}  // namespace kenning
