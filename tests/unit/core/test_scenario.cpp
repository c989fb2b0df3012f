// Scenario files in JSON and YAML: structure checks and error messages.
#include <fstream>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/core/scenario.h"

namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "kenning-test-scenario";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

template <class E>
std::string error_loading(const std::filesystem::path& path) {
  try {
    kenning::load_scenario(path);
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Scenario, LoadsJson) {
  const auto path = write_temp("a.json", R"({"dataset": {"type": "D", "parameters": {"x": 1}},
      "optimizers": [{"type": "O", "parameters": {}}], "runtime": {"type": "R"}})");
  const auto s = kenning::load_scenario(path);
  EXPECT_EQ(s["dataset"]["type"], "D");
  EXPECT_EQ(s["optimizers"][0]["type"], "O");
}

TEST(Scenario, YamlGivesTheSameJsonAsJson) {
  const auto yaml = write_temp("a.yml",
                               "dataset:\n  type: D\n  parameters:\n    x: 1\n    f: 0.5\n    b: true\n    s: '12'\n"
                               "    n: ~\n    l: [1, 2]\n    p: ./build/x.onnx\nruntime:\n  type: R\n");
  const auto s = kenning::load_scenario(yaml);
  const auto& p = s["dataset"]["parameters"];
  EXPECT_EQ(p["x"], 1);
  EXPECT_TRUE(p["x"].is_number_integer());
  EXPECT_DOUBLE_EQ(p["f"].get<double>(), 0.5);
  EXPECT_EQ(p["b"], true);
  EXPECT_EQ(p["s"], "12");  // quoted stays a string
  EXPECT_TRUE(p["n"].is_null());
  EXPECT_EQ(p["l"], nlohmann::json({1, 2}));
  EXPECT_EQ(p["p"], "./build/x.onnx");
  EXPECT_EQ(s["runtime"]["type"], "R");
}

TEST(Scenario, MissingFileIsIoErrorNamingIt) {
  const auto e = error_loading<kenning::IoError>("/nonexistent/s.json");
  EXPECT_NE(e.find("/nonexistent/s.json: cannot open"), std::string::npos) << e;
}

TEST(Scenario, InvalidJsonNamesFileAndLine) {
  const auto path = write_temp("bad.json", "{\n  \"dataset\": {\n    \"type\": \"D\",,\n  }\n}\n");
  const auto e = error_loading<kenning::IoError>(path);
  EXPECT_NE(e.find("bad.json: line 3: invalid JSON"), std::string::npos) << e;
}

TEST(Scenario, InvalidYamlNamesFileAndLine) {
  const auto path = write_temp("bad.yaml", "dataset:\n  type: D\n  parameters: [1, 2\n");
  const auto e = error_loading<kenning::IoError>(path);
  EXPECT_NE(e.find("bad.yaml: line"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
}

TEST(Scenario, UnknownTopLevelKeyIsRejected) {
  const auto path = write_temp("k.json", R"({"datasett": {"type": "D"}})");
  const auto e = error_loading<kenning::ConfigError>(path);
  EXPECT_NE(e.find("unknown top-level key 'datasett'"), std::string::npos) << e;
  EXPECT_NE(e.find("dataset, model_wrapper, optimizers, runtime, protocol, platform"), std::string::npos) << e;
}

TEST(Scenario, BlockNeedsStringType) {
  const auto path = write_temp("t.json", R"({"runtime": {"parameters": {}}})");
  EXPECT_NE(error_loading<kenning::ConfigError>(path).find("runtime.type: expected a class name"), std::string::npos);
  const auto path2 = write_temp("t2.json", R"({"runtime": {"type": "R", "parameters": 3}})");
  EXPECT_NE(error_loading<kenning::ConfigError>(path2).find("runtime.parameters: expected an object"),
            std::string::npos);
  const auto path3 = write_temp("t3.json", R"({"runtime": {"type": "R", "params": {}}})");
  EXPECT_NE(error_loading<kenning::ConfigError>(path3).find("unknown key 'params'"), std::string::npos);
}

TEST(Scenario, OptimizersMustBeAList) {
  const auto path = write_temp("o.json", R"({"optimizers": {"type": "O"}})");
  EXPECT_NE(error_loading<kenning::ConfigError>(path).find("optimizers: expected a list"), std::string::npos);
}

TEST(Scenario, UpstreamTopLevelBlocksAreAccepted) {
  const auto path = write_temp("upstream.json", R"({"platform": {"type": "LocalPlatform"},
      "report": {"type": "MarkdownReport", "parameters": {"report_path": "r.md"}},
      "automl": {"type": "AutoPyTorchML", "parameters": {}},
      "runtime_builder": {"type": "ZephyrRuntimeBuilder"},
      "optimization_parameters": {"strategy": "grid_search", "optimizable": ["optimizers"]}})");
  const auto s = kenning::load_scenario(path);
  EXPECT_EQ(s["report"]["parameters"]["report_path"], "r.md");
  // optimization_parameters is an object of settings; the others are blocks.
  const auto bad = write_temp("upstream-bad.json", R"({"optimization_parameters": ["grid_search"]})");
  EXPECT_NE(error_loading<kenning::ConfigError>(bad).find("optimization_parameters: expected an object"),
            std::string::npos);
  const auto bad_block = write_temp("upstream-bad-block.json", R"({"report": {"parameters": {}}})");
  EXPECT_NE(error_loading<kenning::ConfigError>(bad_block).find("report.type: expected a class name"),
            std::string::npos);
}
