#include "kenning/core/registry.h"

#include <algorithm>
#include <cctype>

#include "kenning/core/edit_distance.h"

namespace kenning {

namespace {

// Upstream Kenning's classes that have a counterpart here under another name:
// family, upstream short name, our class (docs/scenarios.md lists them).
struct UpstreamName {
  const char* family;
  const char* upstream;
  const char* ours;
};
constexpr UpstreamName kUpstreamNames[] = {
    {"runtime", "ONNXRuntime", "ONNXExecRuntime"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

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
  // Upstream's name of a class we have under another one, with or without
  // its dotted path ("kenning.runtimes.onnx.ONNXRuntime").
  for (const auto& u : kUpstreamNames) {
    if (family_ != u.family || last != u.upstream) continue;
    for (std::size_t i = 0; i < infos_.size(); ++i) {
      if (infos_[i].name == u.ours) return i;
    }
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
      const std::string_view module = std::string_view(dotted).substr(module_dot + 1, class_dot - module_dot - 1);
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
  std::string msg = "unknown " + family_ + " class '" + std::string(name) + "'";
  if (const ClassInfo* near = nearest(name)) msg += " (nearest " + family_ + " class here: " + near->name + ")";
  msg += "; known: ";
  for (std::size_t k = 0; k < infos_.size(); ++k) msg += (k ? ", " : "") + infos_[k].name;
  if (infos_.empty()) msg += "none";
  throw ConfigError(msg);
}

const ClassInfo* RegistryBase::nearest(std::string_view name) const {
  const auto dot = name.rfind('.');
  const std::string wanted = lower(dot == std::string_view::npos ? name : name.substr(dot + 1));
  const ClassInfo* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& info : infos_) {
    const std::size_t d = edit_distance(wanted, lower(info.name));
    if (!best || d < best_distance) best = &info, best_distance = d;
  }
  return best;
}

ClassInfo RegistryBase::make_info(std::string name, const std::string& module, std::string description,
                                  std::vector<ParamDecl> params) const {
  ClassInfo info;
  info.dotted_name = "kenning." + package_ + "." + module + "." + name;
  info.name = std::move(name);
  info.family = family_;
  info.description = std::move(description);
  info.params = std::move(params);
  return info;
}

}  // namespace kenning
