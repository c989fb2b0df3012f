// `kenning list [family]` and `kenning info <class>`: what the registries hold,
// rendered from the classes' own parameter declarations.
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command_line.h"
#include "commands.h"
#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "schema_flags.h"

namespace kenning::cli {

namespace {

// Accepts "runtime", "runtimes", "model_wrapper", "modelwrappers", ...
const RegistryBase* find_family(const std::string& name) {
  for (const RegistryBase* r : registries().all()) {
    std::string family = r->family();
    std::string compact;
    for (char c : family)
      if (c != '_') compact += c;
    if (name == family || name == family + "s" || name == r->package() || name == compact || name == compact + "s") {
      return r;
    }
  }
  return nullptr;
}

std::string families_list() {
  std::string s;
  for (const RegistryBase* r : registries().all()) s += (s.empty() ? "" : ", ") + r->package();
  return s;
}

struct ListFlags {
  std::string family;  // empty: every family
  bool verbose = false;
  static const ParamSchema<ListFlags>& schema() {
    static const auto s = ParamSchema<ListFlags>("list", "Options of `kenning list`")
                              .field("family", &ListFlags::family, "One family: " + families_list())
                              .field("verbose", &ListFlags::verbose, "Also show dotted names and parameter counts");
    return s;
  }
};

struct InfoFlags {
  std::string class_name;
  static const ParamSchema<InfoFlags>& schema() {
    static const auto s =
        ParamSchema<InfoFlags>("info", "Options of `kenning info`")
            .field("class_name", &InfoFlags::class_name, "Class name, short (OpenCVRuntime) or dotted")
            .required();
    return s;
  }
};

}  // namespace

int run_list(const std::vector<std::string>& args) {
  CLI::App app("kenning list: the classes of each family and whether their backend is built in", "kenning list");
  SchemaFlags<ListFlags> list_flags(ListFlags::schema(), {{"family", "family"}, {"verbose", "-v,--verbose"}});
  list_flags.add_to(app);
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  const auto [family, verbose] = list_flags.values();

  std::vector<const RegistryBase*> shown;
  if (family.empty()) {
    shown = registries().all();
  } else if (const RegistryBase* r = find_family(family)) {
    shown.push_back(r);
  } else {
    throw ConfigError("kenning list: unknown family '" + family + "'; expected one of: " + families_list());
  }
  for (const RegistryBase* r : shown) {
    std::cout << r->package() << ":\n";
    if (r->classes().empty()) std::cout << "  (none yet)\n";
    for (const auto& c : r->classes()) {
      std::cout << fmt::format("  {:<32} {:<11} {}\n", c.name, c.available ? "available" : "unavailable",
                               c.description);
      if (!c.available) std::cout << fmt::format("  {:<32} {:<11} ({})\n", "", "", c.unavailable_reason);
      if (verbose) {
        std::cout << fmt::format("  {:<32} {:<11} {} — {} parameter(s)\n", "", "", c.dotted_name, c.params.size());
      }
    }
  }
  return 0;
}

int run_info(const std::vector<std::string>& args) {
  CLI::App app("kenning info: a class's description and parameters", "kenning info");
  SchemaFlags<InfoFlags> info_flags(InfoFlags::schema(), {{"class_name", "class"}});
  info_flags.add_to(app);
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  const std::string name = info_flags.values().class_name;

  std::vector<const ClassInfo*> matches;
  for (const RegistryBase* r : registries().all()) {
    const std::size_t i = r->index_of(name);
    if (i != std::string::npos) matches.push_back(&r->classes()[i]);
  }
  if (matches.empty()) {
    std::string known;
    for (const RegistryBase* r : registries().all()) {
      for (const auto& c : r->classes()) known += (known.empty() ? "" : ", ") + c.name;
    }
    throw ConfigError("kenning info: unknown class '" + name + "'; known: " + known);
  }
  if (matches.size() > 1) {
    std::string which;
    for (const auto* c : matches) which += (which.empty() ? "" : ", ") + c->dotted_name;
    throw ConfigError("kenning info: '" + name + "' is ambiguous: " + which + "; use a dotted name");
  }
  const ClassInfo& c = *matches.front();
  std::cout << c.name << " (" << c.family << ")\n  " << c.description << "\n  dotted name: " << c.dotted_name
            << "\n  available: " << (c.available ? "yes" : "no, " + c.unavailable_reason) << "\n\n";
  if (c.params.empty()) {
    std::cout << "No parameters.\n";
    return 0;
  }
  std::cout << "Parameters (scenario key / command-line flag):\n";
  for (const auto& d : c.params) {
    if (d.ignored) {
      std::cout << fmt::format("  {} (upstream Kenning's; accepted in scenarios, no effect here: {})\n      {}\n",
                               d.name, d.help, d.expectation());
      continue;
    }
    std::cout << fmt::format("  {} / {}\n      {}\n      {}: {}; {}\n", d.name, d.flag(), d.help,
                             param_type_name(d.type), d.expectation(),
                             d.required ? std::string("required") : "default: " + d.default_value.dump());
    for (const auto& a : d.aliases) {
      ParamDecl named = d;
      named.name = a;
      std::cout << fmt::format("      also: {} / {} (upstream Kenning's name)\n", a, named.flag());
    }
  }
  return 0;
}

}  // namespace kenning::cli
