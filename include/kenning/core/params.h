// Parameters declared once per class.
//
// A class describes its parameters in one ParamSchema bound to a plain
// struct. From that single declaration come:
//  * validation of scenario blocks (types, limits, allowed values, unknown
//    keys), with errors naming the block, key and what was expected;
//  * command-line flags (`model_path` -> `--model-path`);
//  * `kenning info` help rows (type, default read from `Params{}`, limits);
//  * to_json() of the effective configuration.
//
//   struct Params { std::filesystem::path model_path; std::int64_t num_threads = 4; };
//   static const ParamSchema<Params>& schema() {
//     static const auto s = ParamSchema<Params>("OpenCVRuntime", "Runs ONNX with OpenCV DNN")
//         .field("model_path", &Params::model_path, "Model file").required()
//         .field("num_threads", &Params::num_threads, "Worker threads").range(1, 256);
//     return s;
//   }
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/error.h"

namespace kenning {

using json = nlohmann::json;

// Block: a nested scenario block {"type": ..., "parameters": {...}}, which
// the class builds through its own family's registry (a flow runner's
// model_wrapper, say); only its shape is checked here.
enum class ParamType { Int, Float, Bool, String, Path, Enum, List, Block };

// "int", "float", "bool", "string", "path", "enum", "list", "block".
const char* param_type_name(ParamType type);

struct ParamDecl {
  std::string name;
  ParamType type = ParamType::String;
  ParamType item_type = ParamType::String;  // element type of a List
  std::string help;
  json default_value;  // null when the parameter has no default
  bool required = false;
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> choices;  // allowed values of an Enum

  // `model_path` -> `--model-path`.
  std::string flag() const;
  // What a value must be, for error messages and help:
  // "integer in [1, 256]", "one of: cpu, opencl", "list of integer".
  std::string expectation() const;
};

// Checks one value against its declaration; throws ConfigError starting with
// `where` (e.g. "s.json: runtime.parameters.num_threads" or "--num-threads").
// Returns the value normalised (integral floats become integers for Int).
json check_param_value(const ParamDecl& decl, const json& value, const std::string& where);

// Validates a parameters object: rejects unknown keys (listing the known ones)
// and missing required ones, checks every value, fills in defaults. Returns
// the complete effective parameters. `where` names the block.
json validate_params(const std::vector<ParamDecl>& decls, const json& given,
                     const std::string& where, const std::string& class_name);

// Converts command-line strings for `decl` into a JSON value of its type
// (lists accept repeated flags and comma-separated items); throws ConfigError
// naming `flag` (default: decl.flag()).
json parse_param_strings(const ParamDecl& decl, const std::vector<std::string>& raw,
                         const std::string& flag = "");

namespace detail {
template <class T> struct ParamTraits;
template <> struct ParamTraits<bool> { static constexpr ParamType type = ParamType::Bool; };
template <> struct ParamTraits<std::int64_t> { static constexpr ParamType type = ParamType::Int; };
template <> struct ParamTraits<int> { static constexpr ParamType type = ParamType::Int; };
template <> struct ParamTraits<double> { static constexpr ParamType type = ParamType::Float; };
template <> struct ParamTraits<std::string> { static constexpr ParamType type = ParamType::String; };
template <> struct ParamTraits<std::filesystem::path> { static constexpr ParamType type = ParamType::Path; };
template <> struct ParamTraits<json> { static constexpr ParamType type = ParamType::Block; };
template <class E> struct ParamTraits<std::vector<E>> {
  static constexpr ParamType type = ParamType::List;
  static constexpr ParamType item = ParamTraits<E>::type;
};

template <class T> json value_to_json(const T& v) {
  if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return v.string();
  } else if constexpr (std::is_same_v<T, std::vector<std::filesystem::path>>) {
    json out = json::array();
    for (const auto& p : v) out.push_back(p.string());
    return out;
  } else {
    return json(v);
  }
}

template <class T> T value_from_json(const json& j) {
  if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return std::filesystem::path(j.get<std::string>());
  } else if constexpr (std::is_same_v<T, std::vector<std::filesystem::path>>) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : j) out.emplace_back(e.get<std::string>());
    return out;
  } else {
    return j.get<T>();
  }
}
}  // namespace detail

template <class P> class ParamSchema {
 public:
  ParamSchema(std::string class_name, std::string description)
      : class_name_(std::move(class_name)), description_(std::move(description)) {}

  // Declares `name` bound to `member`; the type comes from the member and the
  // default from a value-initialised P, so neither can drift from the code.
  template <class T> ParamSchema& field(std::string name, T P::*member, std::string help) {
    using Traits = detail::ParamTraits<T>;
    ParamDecl decl;
    decl.name = std::move(name);
    decl.type = Traits::type;
    if constexpr (Traits::type == ParamType::List) decl.item_type = Traits::item;
    decl.help = std::move(help);
    const P defaults{};
    decl.default_value = detail::value_to_json<T>(defaults.*member);
    decls_.push_back(std::move(decl));
    bindings_.push_back(Binding{
        [member](P& p, const json& j) { p.*member = detail::value_from_json<T>(j); },
        [member](const P& p) { return detail::value_to_json<T>(p.*member); }});
    return *this;
  }

  // Modifiers apply to the field declared last.
  ParamSchema& required() {
    last().required = true;
    last().default_value = nullptr;
    return *this;
  }
  ParamSchema& range(double lo, double hi) {
    last().min = lo;
    last().max = hi;
    return *this;
  }
  ParamSchema& at_least(double lo) {
    last().min = lo;
    return *this;
  }
  // Restricts a string to `choices`; the field becomes an enum.
  ParamSchema& one_of(std::vector<std::string> choices) {
    last().type = ParamType::Enum;
    last().choices = std::move(choices);
    return *this;
  }

  // Validates `given` (a scenario block's "parameters") and binds it.
  P parse(const json& given, const std::string& where) const {
    return from_validated(validate_params(decls_, given, where, class_name_));
  }

  // Binds parameters already checked by validate_params().
  P from_validated(const json& validated) const {
    P p{};
    for (std::size_t i = 0; i < decls_.size(); ++i) {
      const json& v = validated.at(decls_[i].name);
      if (!v.is_null()) bindings_[i].set(p, v);
    }
    return p;
  }

  json to_json(const P& p) const {
    json out = json::object();
    for (std::size_t i = 0; i < decls_.size(); ++i) out[decls_[i].name] = bindings_[i].get(p);
    return out;
  }

  const std::string& class_name() const { return class_name_; }
  const std::string& description() const { return description_; }
  const std::vector<ParamDecl>& decls() const { return decls_; }

 private:
  struct Binding {
    std::function<void(P&, const json&)> set;
    std::function<json(const P&)> get;
  };
  ParamDecl& last() {
    if (decls_.empty()) throw std::logic_error("ParamSchema: modifier before any field()");
    return decls_.back();
  }

  std::string class_name_;
  std::string description_;
  std::vector<ParamDecl> decls_;
  std::vector<Binding> bindings_;
};

}  // namespace kenning
