// Registry of the classes of one plugin family, filled by explicit calls in
// the family's registry.cpp (no self-registering statics: they vanish when
// linked from static libraries).
//
// A class C registers with `registry.add<C>("module")` when it provides
//   struct C::Params;  static const ParamSchema<Params>& C::schema();
//   explicit C(const Params&);
// Classes are found by short name ("OpenCVRuntime") or dotted name
// ("kenning.runtimes.opencv.OpenCVRuntime").
// A bare module name given to add() ("opencv") finds its class too, when no
// other class of the family shares that module.
// A class whose backend was not built registers with
// `registry.add_unavailable<C>("module", "built without ...")`: its schema()
// is defined in a unit compiled without the backend, so `kenning list` and
// `kenning info` show its real description and parameters.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/error.h"
#include "kenning/core/params.h"

namespace kenning {

struct ClassInfo {
  std::string name;         // short name, e.g. "OpenCVRuntime"
  std::string dotted_name;  // e.g. "kenning.runtimes.opencv.OpenCVRuntime"
  std::string family;       // e.g. "runtime"
  std::string description;
  bool available = true;           // false when its backend was not built in
  std::string unavailable_reason;  // e.g. "built without KENNING_WITH_TORCH"
  std::vector<ParamDecl> params;
  // Binds validated parameters to the class's Params struct and writes them
  // back (ParamSchema::from_validated, then to_json); empty for classes
  // declared without a schema. The conformance tests check it is lossless.
  std::function<json(const json&)> rebind;
};

// Non-template part: lookup and error messages.
class RegistryBase {
 public:
  RegistryBase(std::string family, std::string package) : family_(std::move(family)), package_(std::move(package)) {}

  const std::string& family() const { return family_; }
  const std::string& package() const { return package_; }
  const std::vector<ClassInfo>& classes() const { return infos_; }

  // Finds a class by short or dotted name; throws ConfigError listing the
  // known classes when there is no match.
  const ClassInfo& find(std::string_view name) const;
  // Index of a class in classes(), or npos. Upstream Kenning's name of a
  // class we have under another name finds ours (ONNXRuntime: ONNXExecRuntime).
  std::size_t index_of(std::string_view name) const;
  // The class whose short name is closest to `name`'s (edit distance,
  // ignoring case), for "unknown class" errors; null in an empty registry.
  const ClassInfo* nearest(std::string_view name) const;

  // A class listed, with its declaration, but not built in: `reason` says
  // what the build lacks (e.g. "built without KENNING_WITH_OPENCV").
  template <class P>
  void add_unavailable(const ParamSchema<P>& schema, const std::string& module, std::string reason) {
    add_declared(schema, module);
    infos_.back().available = false;
    infos_.back().unavailable_reason = std::move(reason);
  }

  // A class this registry describes but does not build: its owner builds it
  // from the same schema (a flow runner needs the whole pipeline, which the
  // registries sit below). Listed by `kenning list` / `kenning info`.
  template <class P>
  void add_declared(const ParamSchema<P>& schema, const std::string& module) {
    infos_.push_back(make_info(schema.class_name(), module, schema.description(), schema.decls()));
    infos_.back().rebind = [&schema](const json& validated) {
      return schema.to_json(schema.from_validated(validated));
    };
  }

 protected:
  ClassInfo make_info(std::string name, const std::string& module, std::string description,
                      std::vector<ParamDecl> params) const;

  std::string family_;
  std::string package_;
  std::vector<ClassInfo> infos_;
};

template <class Base>
class Registry : public RegistryBase {
 public:
  using Factory = std::function<std::unique_ptr<Base>(const json& validated)>;
  using RegistryBase::add_unavailable;
  using RegistryBase::RegistryBase;

  template <class C>
  void add(const std::string& module) {
    add_built_by<C>(module, [](const auto& params) -> std::unique_ptr<Base> { return std::make_unique<C>(params); });
  }

  // C, built by `make(params)` instead of by this unit calling its
  // constructor: for classes whose code lives in a module loaded on first use
  // (torch_module/torch_module.h), so that listing them loads nothing.
  template <class C, class Make>
  void add_built_by(const std::string& module, Make make) {
    const auto& schema = C::schema();
    infos_.push_back(make_info(schema.class_name(), module, schema.description(), schema.decls()));
    infos_.back().rebind = [](const json& validated) {
      return C::schema().to_json(C::schema().from_validated(validated));
    };
    factories_.resize(infos_.size());
    factories_.back() = [make](const json& validated) -> std::unique_ptr<Base> {
      return make(C::schema().from_validated(validated));
    };
  }

  // C, its backend not built in, listed with the ClassInfo add<C>() gives it.
  template <class C>
  void add_unavailable(const std::string& module, std::string reason) {
    RegistryBase::add_unavailable(C::schema(), module, std::move(reason));
    factories_.resize(infos_.size());
  }

  // Builds `type` from a scenario block's parameters; `where` names the block
  // in error messages (e.g. "s.json: runtime").
  std::unique_ptr<Base> create(std::string_view type, const json& params, const std::string& where) const {
    const ClassInfo& info = find(type);
    if (!info.available) {
      throw ConfigError(where + ": class '" + info.name + "' is not available: " + info.unavailable_reason);
    }
    json validated = validate_params(info.params, params, where + ".parameters", info.name);
    const std::size_t index = index_of(info.name);
    std::unique_ptr<Base> object;
    try {
      object = factories_.at(index)(validated);
    } catch (const ConfigError& e) {
      // Checks a constructor makes beyond the declaration still name the block.
      throw ConfigError(where + ": " + e.what());
    }
    object->set_configuration(info.name, std::move(validated));
    return object;
  }

 private:
  std::vector<Factory> factories_;  // parallel to infos_; empty for unavailable classes
};

}  // namespace kenning
