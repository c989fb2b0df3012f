// Conformance of every registered class, whatever its family: what the CLI,
// scenario validation, `kenning info` and the saved configuration derive from
// a class's one parameter declaration must hold for each of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "kenning/core/params.h"
#include "kenning/registries.h"

namespace kenning {
namespace {

bool is_snake_case(const std::string& name) {
  return !name.empty() && std::islower(static_cast<unsigned char>(name.front())) &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                  c == '_';
         });
}

// A number inside the declaration's limits: `preferred` when allowed.
double number_within(const ParamDecl& d, double preferred) {
  double v = preferred;
  if (d.min) v = std::max(v, *d.min);
  if (d.max) v = std::min(v, *d.max);
  return v;
}

// A value of the declared type, different from the default where the type
// allows: a binding that drops or mangles a value then shows up.
json other_value(const ParamDecl& d) {
  switch (d.type) {
    case ParamType::Int: {
      const double base = d.default_value.is_number() ? d.default_value.get<double>() + 1 : 1;
      return static_cast<std::int64_t>(number_within(d, base));
    }
    case ParamType::Float: {
      const double base = d.default_value.is_number() ? d.default_value.get<double>() + 0.5 : 0.5;
      return number_within(d, base);
    }
    case ParamType::Bool: return d.default_value.is_boolean() ? !d.default_value.get<bool>() : true;
    case ParamType::String: return "conformance";
    case ParamType::Path: return "conformance/model.onnx";
    case ParamType::Enum: return d.choices.back();
    case ParamType::List: return json::array();
    case ParamType::Block: return json{{"type", "Any"}, {"parameters", json::object()}};
  }
  return nullptr;
}

struct Case {
  const RegistryBase* family;
  const ClassInfo* info;
};

std::vector<Case> every_class() {
  std::vector<Case> cases;
  for (const RegistryBase* family : registries().all()) {
    for (const ClassInfo& info : family->classes()) cases.push_back({family, &info});
  }
  return cases;
}

TEST(Conformance, EveryFamilyHasClasses) {
  for (const RegistryBase* family : registries().all()) {
    EXPECT_FALSE(family->classes().empty()) << family->family();
  }
}

TEST(Conformance, NamesAreUniqueAndDescribed) {
  std::set<std::string> dotted;
  for (const auto& [family, info] : every_class()) {
    SCOPED_TRACE(info->name);
    EXPECT_FALSE(info->description.empty());
    EXPECT_TRUE(dotted.insert(info->dotted_name).second) << "dotted name used twice: " << info->dotted_name;
    EXPECT_EQ(&family->find(info->name), info);
    EXPECT_EQ(&family->find(info->dotted_name), info);
    if (!info->available) EXPECT_FALSE(info->unavailable_reason.empty());
  }
}

TEST(Conformance, EveryParameterIsDeclaredCompletely) {
  for (const auto& [family, info] : every_class()) {
    std::set<std::string> flags;
    for (const ParamDecl& d : info->params) {
      SCOPED_TRACE(info->name + "." + d.name);
      EXPECT_TRUE(is_snake_case(d.name));
      EXPECT_FALSE(d.help.empty()) << "no help text";
      EXPECT_TRUE(flags.insert(d.flag()).second) << "flag used twice: " << d.flag();
      if (d.type == ParamType::Enum) EXPECT_FALSE(d.choices.empty());
      if (d.min && d.max) EXPECT_LE(*d.min, *d.max);
      if (d.required) EXPECT_TRUE(d.default_value.is_null()) << "a required parameter has a default";
      // A default must pass the declaration's own checks, or `kenning info`
      // shows a value the scenario validator would refuse.
      if (!d.default_value.is_null()) {
        EXPECT_NO_THROW(check_param_value(d, d.default_value, info->name + "." + d.name));
      }
    }
  }
}

TEST(Conformance, ParametersRoundTripThroughTheSchema) {
  for (const auto& [family, info] : every_class()) {
    SCOPED_TRACE(info->name);
    if (!info->available) continue;
    ASSERT_TRUE(info->rebind) << "no schema binding";
    // Once with the defaults (required parameters given), once with every
    // parameter set to another value.
    json required = json::object();
    json changed = json::object();
    for (const ParamDecl& d : info->params) {
      if (d.required) required[d.name] = other_value(d);
      changed[d.name] = other_value(d);
    }
    for (const json& given : {required, changed}) {
      const json validated = validate_params(info->params, given, "conformance", info->name);
      EXPECT_EQ(validate_params(info->params, validated, "conformance", info->name), validated)
          << "validation is not idempotent";
      EXPECT_EQ(info->rebind(validated), validated) << "to_json(from_validated(p)) differs from p";
    }
  }
}

}  // namespace
}  // namespace kenning
