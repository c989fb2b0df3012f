// Command-line flags made from parameter declarations. A class's parameters
// and the CLI's own options (`--test-mode`, `--report-path`, ...) both come
// from a ParamSchema, so both get their flag name, value checks, default and
// help row from one declaration, and fail with the same kind of message:
// "--min-query-count: expected integer >= 1, got 0 (integer)".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kenning/core/params.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace kenning::cli {

// One declared parameter offered on a command line.
struct DeclFlag {
  ParamDecl decl;
  std::string flag;  // named in errors: "--runtime-num-threads"
  CLI::Option* option = nullptr;
  std::vector<std::string> values;  // what CLI11 collected
  bool is_switch = false;           // a bool given as `--flag`, without a value
};

// Help row of a declaration: "Samples per batch [integer >= 1; default 1]".
std::string decl_help(const ParamDecl& decl);

// How a declaration becomes an option.
struct FlagStyle {
  std::string names;         // CLI11 names: "--x", "-v,--verbose", or a bare word for a positional
  bool required = false;     // CLI11 refuses a command line without it
  bool bool_switch = false;  // a bool is `--flag` alone rather than `--flag true`
};

// Adds `decl` to `app` (or to an option group of it). A list takes one or
// more values and may be repeated. Errors name the last of the names.
std::unique_ptr<DeclFlag> add_decl_flag(CLI::App& app, const ParamDecl& decl, const FlagStyle& style);

// After the parse: whether the flag was given, and its value checked against
// the declaration (errors name the flag and what was expected).
bool flag_given(const DeclFlag& flag);
json flag_value(const DeclFlag& flag);

// The given values of `flags` as a parameters object (keys: declaration names).
json given_values(const std::vector<std::unique_ptr<DeclFlag>>& flags);

// The fields of `schema` as options: add_to() offers them on a command line
// (flags named as decl.flag(), or as `names` says for a positional or a short
// alias; bools are switches), values() binds what was given over the
// defaults of a value-initialised P. The object outlives the parse: CLI11
// writes into it.
template <class P>
class SchemaFlags {
 public:
  explicit SchemaFlags(const ParamSchema<P>& schema, std::map<std::string, std::string> names = {})
      : schema_(schema), names_(std::move(names)) {}

  void add_to(CLI::App& app) {
    for (const auto& d : schema_.decls()) {
      const auto named = names_.find(d.name);
      const std::string cli_names = named == names_.end() ? d.flag() : named->second;
      flags_.push_back(add_decl_flag(app, d, FlagStyle{cli_names, d.required, true}));
    }
  }
  bool added() const { return !flags_.empty(); }

  // After CLI::App::parse(); ConfigError naming the flag for a bad value.
  P values() const {
    return schema_.from_validated(
        validate_params(schema_.decls(), given_values(flags_), "command line", schema_.class_name()));
  }

 private:
  const ParamSchema<P>& schema_;
  std::map<std::string, std::string> names_;  // declaration name -> CLI11 names
  std::vector<std::unique_ptr<DeclFlag>> flags_;
};

}  // namespace kenning::cli
