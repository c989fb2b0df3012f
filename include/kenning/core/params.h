// Parameters declared once per class.
//
// A class describes its parameters in one ParamSchema bound to a plain
// struct. From that single declaration come:
//  * validation of scenario blocks (types, limits, allowed values, unknown
//    keys), with errors naming the block, key and what was expected;
//  * check() of a Params object built directly in C++ against the same
//    limits, with the same wording (constructors call it);
//  * command-line flags (`model_path` -> `--model-path`);
//  * `kenning info` help rows (type, default read from `Params{}`, limits);
//  * to_json() of the effective configuration.
//
//   enum class Backend { OpenCV, Cuda };
//   inline constexpr EnumName<Backend> kBackendNames[] = {{Backend::OpenCV, "opencv"}, {Backend::Cuda, "cuda"}};
//   struct Params { std::filesystem::path model_path; std::int64_t num_threads = 4; Backend backend = Backend::Cuda; };
//   static const ParamSchema<Params>& schema() {
//     static const auto s = ParamSchema<Params>("OpenCVRuntime", "Runs ONNX with OpenCV DNN")
//         .field("model_path", &Params::model_path, "Model file").required()
//         .field("num_threads", &Params::num_threads, "Worker threads").range(1, 256)
//         .field("backend", &Params::backend, "DNN backend", kBackendNames);
//     return s;
//   }
//
// Enumerated parameters: a field bound to an `enum class` member takes the
// table of its values' names, declared once beside the enum. Scenario files,
// flags, help and to_json() use those names (the field's type is "enum",
// its choices the names in table order); C++ code compares enum values.
// enum_name() gives a value's name for messages.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
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
  std::vector<std::string> choices;  // allowed values of an Enum (or of a List's Enum items)
  // Other names scenarios may give it: upstream Kenning's name for the same
  // parameter (CameraDataProvider's `video_file_path` for `video_source`).
  std::vector<std::string> aliases;
  // An upstream Kenning parameter with no counterpart here: a scenario may
  // give it (the value is checked, then dropped with a warning); the class
  // never sees it and to_json() does not write it.
  bool ignored = false;

  // `model_path` -> `--model-path`.
  std::string flag() const;
  // What a value must be, for error messages and help:
  // "integer in [1, 256]", "one of: cpu, opencl", "list of integer".
  std::string expectation() const;

  bool operator==(const ParamDecl&) const = default;
};

// Checks one value against its declaration; throws ConfigError starting with
// `where` (e.g. "s.json: runtime.parameters.num_threads" or "--num-threads").
// Returns the value normalised (integral floats become integers for Int).
json check_param_value(const ParamDecl& decl, const json& value, const std::string& where);

// Validates a parameters object: reads aliases as the names they stand for,
// rejects unknown keys (listing the known ones) and missing required ones,
// checks every value, fills in defaults, drops ignored parameters (with a
// warning). Returns the complete effective parameters. `where` names the block.
json validate_params(const std::vector<ParamDecl>& decls, const json& given, const std::string& where,
                     const std::string& class_name);

// Converts command-line strings for `decl` into a JSON value of its type
// (lists accept repeated flags and comma-separated items); throws ConfigError
// naming `flag` (default: decl.flag()).
json parse_param_strings(const ParamDecl& decl, const std::vector<std::string>& raw, const std::string& flag = "");

// Checks the values of a Params object built in C++ (ParamSchema::check),
// `values` holding every declared key: a required string or path left empty
// is missing, every other value is checked as check_param_value does. Throws
// ConfigError naming the class and key, worded as validate_params words it.
void check_param_values(const std::vector<ParamDecl>& decls, const json& values, const std::string& class_name);

// One value of an enumerated parameter and its name in scenarios and flags.
template <class E>
struct EnumName {
  E value;
  const char* name;
};

// The name of `value` in `names`; "" for a value the table lacks (one cast
// from an integer).
template <class E>
std::string enum_name(std::type_identity_t<std::span<const EnumName<E>>> names, E value) {
  for (const auto& n : names) {
    if (n.value == value) return n.name;
  }
  return "";
}

namespace detail {
template <class T>
struct ParamTraits;
template <>
struct ParamTraits<bool> {
  static constexpr ParamType type = ParamType::Bool;
};
template <>
struct ParamTraits<std::int64_t> {
  static constexpr ParamType type = ParamType::Int;
};
template <>
struct ParamTraits<int> {
  static constexpr ParamType type = ParamType::Int;
};
template <>
struct ParamTraits<double> {
  static constexpr ParamType type = ParamType::Float;
};
template <>
struct ParamTraits<std::string> {
  static constexpr ParamType type = ParamType::String;
};
template <>
struct ParamTraits<std::filesystem::path> {
  static constexpr ParamType type = ParamType::Path;
};
template <>
struct ParamTraits<json> {
  static constexpr ParamType type = ParamType::Block;
};
template <class E>
struct ParamTraits<std::vector<E>> {
  static constexpr ParamType type = ParamType::List;
  static constexpr ParamType item = ParamTraits<E>::type;
};

template <class T>
json value_to_json(const T& v) {
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

template <class T>
T value_from_json(const json& j) {
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

template <class P>
class ParamSchema {
 public:
  ParamSchema(std::string class_name, std::string description)
      : class_name_(std::move(class_name)), description_(std::move(description)) {}

  // Declares `name` bound to `member`; the type comes from the member and the
  // default from a value-initialised P, so neither can drift from the code.
  template <class T>
  ParamSchema& field(std::string name, T P::*member, std::string help) {
    using Traits = detail::ParamTraits<T>;
    ParamDecl decl;
    decl.name = std::move(name);
    decl.type = Traits::type;
    if constexpr (Traits::type == ParamType::List) decl.item_type = Traits::item;
    decl.help = std::move(help);
    const P defaults{};
    decl.default_value = detail::value_to_json<T>(defaults.*member);
    decls_.push_back(std::move(decl));
    bindings_.push_back(Binding{[member](P& p, const json& j) { p.*member = detail::value_from_json<T>(j); },
                                [member](const P& p) { return detail::value_to_json<T>(p.*member); }});
    return *this;
  }

  // Declares `name` bound to an enum member whose values are named in
  // `names` (see the top of this file); the field is an enum of those names.
  template <class E>
  requires std::is_enum_v<E> ParamSchema& field(std::string name, E P::*member, std::string help,
                                                std::type_identity_t<std::span<const EnumName<E>>> names) {
    using Table = std::vector<EnumName<E>>;
    Table table(names.begin(), names.end());
    ParamDecl decl;
    decl.name = std::move(name);
    decl.type = ParamType::Enum;
    decl.help = std::move(help);
    for (const auto& n : table) decl.choices.emplace_back(n.name);
    // A value missing from the table is written as its integer, which then
    // fails check() as "one of: ...".
    auto to_json = [table](E v) -> json {
      for (const auto& n : table) {
        if (n.value == v) return n.name;
      }
      return static_cast<std::int64_t>(v);
    };
    const P defaults{};
    decl.default_value = to_json(defaults.*member);
    decls_.push_back(std::move(decl));
    bindings_.push_back(Binding{[member, table](P& p, const json& j) {
                                  const auto& text = j.get_ref<const std::string&>();
                                  for (const auto& n : table) {
                                    if (text == n.name) {
                                      p.*member = n.value;
                                      return;
                                    }
                                  }
                                  throw std::logic_error("ParamSchema: '" + text + "' is not a checked enum name");
                                },
                                [member, to_json](const P& p) { return to_json(p.*member); }});
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
  // Another name of the field declared last (upstream Kenning's name for it).
  ParamSchema& alias(std::string name) {
    last().aliases.push_back(std::move(name));
    return *this;
  }

  // An upstream Kenning parameter this class has no use for (see
  // ParamDecl::ignored); `why` says why it makes no difference here.
  ParamSchema& ignored(std::string name, ParamType type, std::string why) {
    ParamDecl decl;
    decl.name = std::move(name);
    decl.type = type;
    decl.help = std::move(why);
    decl.ignored = true;
    decls_.push_back(std::move(decl));
    bindings_.push_back(Binding{[](P&, const json&) {}, [](const P&) { return json(); }});
    return *this;
  }

  // Restricts a string (or each item of a list of strings) to `choices`; the
  // field (or its item) becomes an enum. For values the code only passes on;
  // values it branches on bind to an enum class.
  ParamSchema& one_of(std::vector<std::string> choices) {
    (last().type == ParamType::List ? last().item_type : last().type) = ParamType::Enum;
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
      if (decls_[i].ignored) continue;
      const json& v = validated.at(decls_[i].name);
      if (!v.is_null()) bindings_[i].set(p, v);
    }
    return p;
  }

  // Checks `p`, built directly in C++, against the declaration (limits,
  // required strings and paths, enum values); throws ConfigError naming the
  // class and key. Constructors call it, so both ways in are checked alike.
  void check(const P& p) const { check_param_values(decls_, to_json(p), class_name_); }
  // `p` after check(), for constructors that hand a parameter to a base
  // class before their body runs.
  const P& checked(const P& p) const {
    check(p);
    return p;
  }

  json to_json(const P& p) const {
    json out = json::object();
    for (std::size_t i = 0; i < decls_.size(); ++i) {
      if (!decls_[i].ignored) out[decls_[i].name] = bindings_[i].get(p);
    }
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
