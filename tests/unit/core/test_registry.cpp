// Registry: lookup by short and dotted names, creation through the
// declaration, and unavailable backends.
#include <gtest/gtest.h>

#include "kenning/core/plugin.h"
#include "kenning/core/registry.h"

namespace {

struct Widget : kenning::Plugin {
  struct Params {
    std::int64_t size = 3;
    std::string colour = "red";
  };
  static const kenning::ParamSchema<Params>& schema() {
    static const auto s = kenning::ParamSchema<Params>("TestWidget", "A widget for tests")
                              .field("size", &Params::size, "Size")
                              .range(1, 10)
                              .field("colour", &Params::colour, "Colour")
                              .one_of({"red", "blue"});
    return s;
  }
  explicit Widget(const Params& p) : params(p) {}
  Params params;
};

// A class whose backend is not built: only its declaration is compiled.
struct GpuWidget {
  struct Params {
    std::int64_t cores = 8;
  };
  static const kenning::ParamSchema<Params>& schema() {
    static const auto s = kenning::ParamSchema<Params>("GpuWidget", "Needs a GPU")
                              .field("cores", &Params::cores, "GPU cores")
                              .at_least(1);
    return s;
  }
};

struct OtherWidget {
  struct Params {};
  static const kenning::ParamSchema<Params>& schema() {
    static const auto s = kenning::ParamSchema<Params>("OtherWidget", "Shares the module");
    return s;
  }
};

kenning::Registry<kenning::Plugin> make_registry() {
  kenning::Registry<kenning::Plugin> r("widget", "widgets");
  r.add_unavailable<GpuWidget>("gpu", "built without KENNING_WITH_GPU");
  r.add<Widget>("test_widget");
  return r;
}

}  // namespace

TEST(Registry, FindsByShortAndDottedName) {
  const auto r = make_registry();
  EXPECT_EQ(r.find("TestWidget").dotted_name, "kenning.widgets.test_widget.TestWidget");
  EXPECT_EQ(r.find("kenning.widgets.test_widget.TestWidget").name, "TestWidget");
  EXPECT_EQ(r.find("some.other.path.TestWidget").name, "TestWidget");
}

TEST(Registry, UnknownClassListsKnownOnes) {
  const auto r = make_registry();
  try {
    r.find("Gadget");
    FAIL();
  } catch (const kenning::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown widget class 'Gadget' (nearest widget class here: GpuWidget); "
                                         "known: GpuWidget, TestWidget"),
              std::string::npos)
        << e.what();
  }
}

TEST(Registry, CreatesFromParametersAndRemembersEffectiveConfig) {
  const auto r = make_registry();
  auto w = r.create("TestWidget", {{"size", 5}}, "s.json: widget");
  EXPECT_EQ(static_cast<Widget&>(*w).params.size, 5);
  EXPECT_EQ(w->to_json(), nlohmann::json({{"type", "TestWidget"}, {"parameters", {{"size", 5}, {"colour", "red"}}}}));
}

TEST(Registry, CreateValidatesWithBlockName) {
  const auto r = make_registry();
  try {
    r.create("TestWidget", {{"colour", "green"}}, "s.json: widget");
    FAIL();
  } catch (const kenning::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("s.json: widget.parameters.colour: expected one of: red, blue"),
              std::string::npos)
        << e.what();
  }
}

TEST(Registry, DeclaredClassIsDescribedFromItsSchema) {
  kenning::RegistryBase r("widget", "widgets");
  r.add_declared(Widget::schema(), "test_widget");
  const auto& info = r.find("kenning.widgets.test_widget.TestWidget");
  EXPECT_TRUE(info.available);
  EXPECT_EQ(info.description, "A widget for tests");
  ASSERT_EQ(info.params.size(), 2u);
  EXPECT_EQ(info.params[1].choices, (std::vector<std::string>{"red", "blue"}));
}

TEST(Registry, UnavailableClassIsListedButNotCreated) {
  const auto r = make_registry();
  const auto& info = r.find("GpuWidget");
  EXPECT_FALSE(info.available);
  EXPECT_EQ(info.unavailable_reason, "built without KENNING_WITH_GPU");
  // Described from its own declaration.
  EXPECT_EQ(info.dotted_name, "kenning.widgets.gpu.GpuWidget");
  EXPECT_EQ(info.description, "Needs a GPU");
  ASSERT_EQ(info.params.size(), 1u);
  EXPECT_EQ(info.params[0].name, "cores");
  EXPECT_EQ(info.params[0].default_value, 8);
  try {
    r.create("GpuWidget", {}, "s.json: widget");
    FAIL();
  } catch (const kenning::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("not available: built without KENNING_WITH_GPU"), std::string::npos);
  }
}

TEST(Registry, FindsByBareModuleNameUnlessShared) {
  auto r = make_registry();
  EXPECT_EQ(r.find("test_widget").name, "TestWidget");
  EXPECT_EQ(r.find("gpu").name, "GpuWidget");
  EXPECT_THROW(r.find("widgets"), kenning::ConfigError);  // the package, not a module
  r.add_unavailable<OtherWidget>("test_widget", "built without it");
  EXPECT_THROW(r.find("test_widget"), kenning::ConfigError);  // ambiguous
  EXPECT_EQ(r.find("TestWidget").name, "TestWidget");
}
