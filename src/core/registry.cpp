#include "kenning/core/registry.h"

namespace kenning {

std::size_t RegistryBase::index_of(std::string_view name) const {
  // Short name, full dotted name, or any dotted path ending in the short name
  // (upstream Kenning accepts both "ONNXRuntime" and "kenning.runtimes.onnx.ONNXRuntime").
  const auto dot = name.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? name : name.substr(dot + 1);
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].name == name || infos_[i].dotted_name == name) return i;
  }
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].name == last) return i;
  }
  // A bare module name ("onnx_model", "random_tensors") when exactly one
  // class of the family lives in that module.
  if (dot == std::string_view::npos && !name.empty()) {
    std::size_t found = std::string_view::npos;
    for (std::size_t i = 0; i < infos_.size(); ++i) {
      const std::string& dotted = infos_[i].dotted_name;
      const auto class_dot = dotted.rfind('.');
      if (class_dot == std::string::npos) continue;
      const auto module_dot = dotted.rfind('.', class_dot - 1);
      const std::string_view module =
          std::string_view(dotted).substr(module_dot + 1, class_dot - module_dot - 1);
      if (module != name) continue;
      if (found != std::string_view::npos) return std::string_view::npos;  // ambiguous
      found = i;
    }
    if (found != std::string_view::npos) return found;
  }
  return std::string_view::npos;
}

const ClassInfo& RegistryBase::find(std::string_view name) const {
  const std::size_t i = index_of(name);
  if (i != std::string_view::npos) return infos_[i];
  std::string msg = "unknown " + family_ + " class '" + std::string(name) + "'; known: ";
  for (std::size_t k = 0; k < infos_.size(); ++k) msg += (k ? ", " : "") + infos_[k].name;
  if (infos_.empty()) msg += "none";
  throw ConfigError(msg);
}

ClassInfo RegistryBase::make_info(std::string name, const std::string& module,
                                  std::string description, std::vector<ParamDecl> params) const {
  ClassInfo info;
  info.dotted_name = "kenning." + package_ + "." + module + "." + name;
  info.name = std::move(name);
  info.family = family_;
  info.description = std::move(description);
  info.params = std::move(params);
  return info;
}

}  // namespace kenning
