#include "schema_flags.h"

#include <CLI/CLI.hpp>

namespace kenning::cli {

std::string decl_help(const ParamDecl& decl) {
  std::string help = decl.help + " [" + decl.expectation();
  if (!decl.default_value.is_null()) help += "; default " + decl.default_value.dump();
  if (decl.required) help += "; required";
  return help + "]";
}

std::unique_ptr<DeclFlag> add_decl_flag(CLI::App& app, const ParamDecl& decl, const FlagStyle& style) {
  auto flag = std::make_unique<DeclFlag>();
  flag->decl = decl;
  flag->flag = style.names.substr(style.names.rfind(',') + 1);
  flag->is_switch = style.bool_switch && decl.type == ParamType::Bool;
  if (flag->is_switch) {
    // Given or not: nothing to add to the help but what it does.
    flag->option = app.add_flag(style.names, decl.help);
  } else {
    flag->option = app.add_option(style.names, flag->values, decl_help(decl));
    if (decl.type == ParamType::List)
      flag->option->expected(1, -1);
    else
      flag->option->expected(1);
  }
  if (style.required) flag->option->required();
  return flag;
}

bool flag_given(const DeclFlag& flag) { return flag.option->count() > 0; }

json flag_value(const DeclFlag& flag) {
  if (flag.is_switch) return flag.option->as<bool>();
  if (flag.decl.type == ParamType::List && flag.decl.item_type == ParamType::Path) {
    // A file name may hold a comma: each value is one path, never split.
    return check_param_value(flag.decl, json(flag.values), flag.flag);
  }
  return parse_param_strings(flag.decl, flag.values, flag.flag);
}

json given_values(const std::vector<std::unique_ptr<DeclFlag>>& flags) {
  json given = json::object();
  for (const auto& f : flags) {
    if (flag_given(*f)) given[f->decl.name] = flag_value(*f);
  }
  return given;
}

}  // namespace kenning::cli
