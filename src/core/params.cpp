#include "kenning/core/params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include <spdlog/spdlog.h>

#include "kenning/core/edit_distance.h"

namespace kenning {

namespace {

std::string format_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string type_word(ParamType t) {
  switch (t) {
    case ParamType::Int:
      return "integer";
    case ParamType::Float:
      return "number";
    case ParamType::Bool:
      return "boolean";
    case ParamType::String:
      return "string";
    case ParamType::Path:
      return "path";
    case ParamType::Enum:
      return "string";
    case ParamType::List:
      return "list";
    case ParamType::Block:
      return "scenario block object {\"type\": ..., \"parameters\": {...}}";
  }
  return "value";
}

std::string limits_text(const ParamDecl& d) {
  if (d.min && d.max) return " in [" + format_number(*d.min) + ", " + format_number(*d.max) + "]";
  if (d.min) return " >= " + format_number(*d.min);
  if (d.max) return " <= " + format_number(*d.max);
  return "";
}

std::string describe_json(const json& v) {
  const char* kind = v.is_string()           ? "string"
                     : v.is_boolean()        ? "boolean"
                     : v.is_number_integer() ? "integer"
                     : v.is_number()         ? "number"
                     : v.is_array()          ? "list"
                     : v.is_object()         ? "object"
                                             : "null";
  std::string text = v.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text + " (" + kind + ")";
}

// Checks a scalar against a (non-list) type; `d` supplies limits and choices.
json check_scalar(const ParamDecl& d, ParamType type, const json& v, const std::string& where) {
  auto fail = [&]() -> json {
    ParamDecl shown = d;
    shown.type = type;
    throw ConfigError(where + ": expected " + shown.expectation() + ", got " + describe_json(v));
  };
  auto check_limits = [&](double x) {
    if ((d.min && x < *d.min) || (d.max && x > *d.max)) fail();
  };
  switch (type) {
    case ParamType::Int: {
      if (v.is_number_integer()) {
        check_limits(static_cast<double>(v.get<std::int64_t>()));
        return v.get<std::int64_t>();
      }
      if (v.is_number_float()) {
        const double x = v.get<double>();
        if (std::floor(x) != x || std::fabs(x) > 9e15) fail();
        check_limits(x);
        return static_cast<std::int64_t>(x);
      }
      return fail();
    }
    case ParamType::Float:
      if (!v.is_number()) return fail();
      if (!std::isfinite(v.get<double>())) return fail();
      check_limits(v.get<double>());
      return v.get<double>();
    case ParamType::Bool:
      if (!v.is_boolean()) return fail();
      return v;
    case ParamType::String:
    case ParamType::Path:
      if (!v.is_string()) return fail();
      return v;
    case ParamType::Enum:
      if (!v.is_string()) return fail();
      if (std::find(d.choices.begin(), d.choices.end(), v.get<std::string>()) == d.choices.end()) fail();
      return v;
    case ParamType::Block: {
      // The block's class checks its parameters; a missing type would
      // otherwise surface as a bare JSON lookup error.
      if (!v.is_object() || !v.contains("type") || !v["type"].is_string()) return fail();
      const json* params = v.contains("parameters") ? &v["parameters"] : nullptr;
      if (params && !params->is_null() && !params->is_object()) return fail();
      for (const auto& item : v.items()) {
        if (item.key() != "type" && item.key() != "parameters") return fail();
      }
      return v;
    }
    case ParamType::List:
      return fail();
  }
  return fail();
}

[[noreturn]] void throw_missing(const ParamDecl& d, const std::string& where, const std::string& class_name) {
  throw ConfigError(where + ": missing required parameter '" + d.name + "' (" + d.expectation() + ": " + d.help +
                    ") for " + class_name);
}

}  // namespace

const char* param_type_name(ParamType type) {
  switch (type) {
    case ParamType::Int:
      return "int";
    case ParamType::Float:
      return "float";
    case ParamType::Bool:
      return "bool";
    case ParamType::String:
      return "string";
    case ParamType::Path:
      return "path";
    case ParamType::Enum:
      return "enum";
    case ParamType::List:
      return "list";
    case ParamType::Block:
      return "block";
  }
  return "?";
}

std::string ParamDecl::flag() const {
  std::string f = "--" + name;
  std::replace(f.begin() + 2, f.end(), '_', '-');
  return f;
}

std::string ParamDecl::expectation() const {
  if (type == ParamType::Enum) {
    std::string s = "one of: ";
    for (std::size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : "") + choices[i];
    return s;
  }
  if (type == ParamType::List) {
    ParamDecl item = *this;
    item.type = item_type;
    return "list of " + item.expectation();
  }
  return type_word(type) + limits_text(*this);
}

json check_param_value(const ParamDecl& decl, const json& value, const std::string& where) {
  if (decl.type != ParamType::List) return check_scalar(decl, decl.type, value, where);
  if (!value.is_array()) {
    throw ConfigError(where + ": expected " + decl.expectation() + ", got " + describe_json(value));
  }
  json out = json::array();
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(check_scalar(decl, decl.item_type, value[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

namespace {

// The declaration a scenario key names, by its name or one of its aliases.
const ParamDecl* decl_named(const std::vector<ParamDecl>& decls, const std::string& key) {
  for (const auto& d : decls) {
    if (d.name == key || std::find(d.aliases.begin(), d.aliases.end(), key) != d.aliases.end()) return &d;
  }
  return nullptr;
}

[[noreturn]] void throw_unknown(const std::vector<ParamDecl>& decls, const std::string& key, const std::string& where,
                                const std::string& class_name) {
  std::string msg = where + ": unknown parameter '" + key + "' for " + class_name;
  const std::string* best = nullptr;
  std::size_t best_distance = 3;  // only suggest close matches
  auto consider = [&](const std::string& name) {
    const std::size_t dist = edit_distance(key, name);
    if (dist < best_distance) best = &name, best_distance = dist;
  };
  for (const auto& d : decls) {
    consider(d.name);
    for (const auto& a : d.aliases) consider(a);
  }
  if (best) msg += " (did you mean '" + *best + "'?)";
  msg += "; known parameters: ";
  for (std::size_t i = 0; i < decls.size(); ++i) {
    msg += (i ? ", " : "") + decls[i].name;
    for (const auto& a : decls[i].aliases) msg += " (or " + a + ")";
  }
  if (decls.empty()) msg += "none";
  throw ConfigError(msg);
}

}  // namespace

json validate_params(const std::vector<ParamDecl>& decls, const json& given, const std::string& where,
                     const std::string& class_name) {
  const json empty = json::object();
  const json& raw = given.is_null() ? empty : given;
  if (!raw.is_object()) {
    throw ConfigError(where + ": expected an object of parameters for " + class_name + ", got " + describe_json(raw));
  }
  // Every key under its declared name: aliases read as the name they stand for.
  json params = json::object();
  std::map<std::string, std::string> given_as;  // declared name -> the key the scenario used
  for (const auto& item : raw.items()) {
    const std::string& key = item.key();  // a plain name: clang 14 cannot capture bindings
    const ParamDecl* d = decl_named(decls, key);
    if (!d) throw_unknown(decls, key, where, class_name);
    const auto [it, fresh] = given_as.emplace(d->name, key);
    if (!fresh) {
      throw ConfigError(where + ": '" + it->second + "' and '" + key + "' both set " + class_name + "'s " + d->name +
                        "; give one of them");
    }
    params[d->name] = item.value();
  }
  json out = json::object();
  for (const auto& d : decls) {
    const std::string key_where = where + "." + given_as.emplace(d.name, d.name).first->second;
    const bool present = params.contains(d.name) && !params.at(d.name).is_null();
    if (d.ignored) {
      if (!present) continue;
      check_param_value(d, params.at(d.name), key_where);
      spdlog::warn("{}: upstream Kenning's parameter '{}' has no effect in kenning-cpp: {}", key_where, d.name, d.help);
    } else if (present) {
      out[d.name] = check_param_value(d, params.at(d.name), key_where);
    } else if (d.required) {
      throw_missing(d, where, class_name);
    } else {
      out[d.name] = d.default_value;
    }
  }
  return out;
}

void check_param_values(const std::vector<ParamDecl>& decls, const json& values, const std::string& class_name) {
  for (const auto& d : decls) {
    if (d.ignored) continue;
    const json& v = values.at(d.name);
    const bool empty = v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty() &&
                                       (d.type == ParamType::String || d.type == ParamType::Path));
    if (d.required && empty) throw_missing(d, class_name, class_name);
    // Defaults need no check (the conformance tests check them), and a
    // block's default may be an empty placeholder its class fills in.
    if (v.is_null() || v == d.default_value) continue;
    check_param_value(d, v, class_name + "." + d.name);
  }
}

json parse_param_strings(const ParamDecl& decl, const std::vector<std::string>& raw, const std::string& flag) {
  const std::string where = flag.empty() ? decl.flag() : flag;
  auto parse_one = [&](ParamType type, const std::string& s) -> json {
    switch (type) {
      case ParamType::Int: {
        std::int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
          throw ConfigError(where + ": expected an integer, got '" + s + "'");
        }
        return v;
      }
      case ParamType::Float: {
        std::size_t used = 0;
        double v = 0;
        try {
          v = std::stod(s, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != s.size() || s.empty()) throw ConfigError(where + ": expected a number, got '" + s + "'");
        return v;
      }
      case ParamType::Bool: {
        std::string l = s;
        std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
        if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
        if (l == "false" || l == "0" || l == "no" || l == "off") return false;
        throw ConfigError(where + ": expected true or false, got '" + s + "'");
      }
      case ParamType::Block:
        try {
          return json::parse(s);
        } catch (const json::parse_error&) {
          throw ConfigError(where + ": expected a JSON scenario block, got '" + s + "'");
        }
      default:
        return s;
    }
  };
  json value;
  if (decl.type == ParamType::List) {
    value = json::array();
    for (const auto& r : raw) {
      std::stringstream ss(r);
      std::string item;
      while (std::getline(ss, item, ',')) {
        if (!item.empty()) value.push_back(parse_one(decl.item_type, item));
      }
    }
  } else {
    if (raw.size() != 1) throw ConfigError(where + ": expected one value, got " + std::to_string(raw.size()));
    value = parse_one(decl.type, raw.front());
  }
  return check_param_value(decl, value, where);
}

}  // namespace kenning
