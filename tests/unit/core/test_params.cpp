// The parameter system: one declaration gives validation, defaults, flags,
// help text and to_json.
#include <gtest/gtest.h>

#include "kenning/core/params.h"

using kenning::ConfigError;
using kenning::EnumName;
using kenning::json;
using kenning::ParamSchema;
using kenning::ParamType;

namespace {

enum class Device { Cpu, OpenCL };
constexpr EnumName<Device> kDeviceNames[] = {{Device::Cpu, "cpu"}, {Device::OpenCL, "opencl"}};

struct ExampleParams {
  std::filesystem::path model_path;
  std::int64_t num_threads = 4;
  double learning_rate = 0.01;
  bool verbose = false;
  Device target = Device::Cpu;
  std::vector<std::int64_t> input_shape = {1, 28, 28};
  std::string note;
};

const ParamSchema<ExampleParams>& schema() {
  static const auto s = ParamSchema<ExampleParams>("ExampleClass", "An example")
                            .field("model_path", &ExampleParams::model_path, "Model file")
                            .required()
                            .field("num_threads", &ExampleParams::num_threads, "Threads")
                            .range(1, 256)
                            .field("learning_rate", &ExampleParams::learning_rate, "Step size")
                            .at_least(0)
                            .field("verbose", &ExampleParams::verbose, "Talk more")
                            .field("target", &ExampleParams::target, "Device", kDeviceNames)
                            .field("input_shape", &ExampleParams::input_shape, "Shape")
                            .at_least(1)
                            .field("note", &ExampleParams::note, "Free text");
  return s;
}

std::string error_of(const json& params) {
  try {
    schema().parse(params, "s.json: runtime.parameters");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ParamSchema, DeclarationCarriesTypesDefaultsAndLimits) {
  const auto& d = schema().decls();
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[0].type, ParamType::Path);
  EXPECT_TRUE(d[0].required);
  EXPECT_TRUE(d[0].default_value.is_null());
  EXPECT_EQ(d[1].type, ParamType::Int);
  EXPECT_EQ(d[1].default_value, 4);
  EXPECT_EQ(*d[1].min, 1);
  EXPECT_EQ(*d[1].max, 256);
  EXPECT_EQ(d[2].type, ParamType::Float);
  EXPECT_EQ(d[3].type, ParamType::Bool);
  EXPECT_EQ(d[4].type, ParamType::Enum);
  EXPECT_EQ(d[4].default_value, "cpu");
  EXPECT_EQ(d[4].choices, (std::vector<std::string>{"cpu", "opencl"}));
  EXPECT_EQ(d[5].type, ParamType::List);
  EXPECT_EQ(d[5].item_type, ParamType::Int);
  EXPECT_EQ(d[5].default_value, json({1, 28, 28}));
}

TEST(ParamSchema, FlagsComeFromKeys) {
  EXPECT_EQ(schema().decls()[0].flag(), "--model-path");
  EXPECT_EQ(schema().decls()[1].flag(), "--num-threads");
}

TEST(ParamSchema, ParsesValuesAndFillsDefaults) {
  const auto p = schema().parse({{"model_path", "m.onnx"}, {"num_threads", 2}}, "here");
  EXPECT_EQ(p.model_path, "m.onnx");
  EXPECT_EQ(p.num_threads, 2);
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.01);
  EXPECT_EQ(p.target, Device::Cpu);
  EXPECT_EQ(p.input_shape, (std::vector<std::int64_t>{1, 28, 28}));
}

TEST(ParamSchema, ToJsonRoundTripsTheEffectiveConfiguration) {
  const auto p = schema().parse({{"model_path", "m.onnx"}, {"target", "opencl"}, {"verbose", true}}, "here");
  EXPECT_EQ(p.target, Device::OpenCL);
  const json j = schema().to_json(p);
  EXPECT_EQ(j["model_path"], "m.onnx");
  EXPECT_EQ(j["target"], "opencl");
  EXPECT_EQ(j["verbose"], true);
  EXPECT_EQ(j["num_threads"], 4);
  const auto again = schema().parse(j, "again");
  EXPECT_EQ(schema().to_json(again), j);
}

TEST(ParamSchema, IntegralFloatIsAcceptedForInt) {
  EXPECT_EQ(schema().parse({{"model_path", "m"}, {"num_threads", 8.0}}, "h").num_threads, 8);
  EXPECT_NE(error_of({{"model_path", "m"}, {"num_threads", 8.5}}), "");
}

TEST(ParamSchema, WrongTypeNamesBlockKeyAndExpectation) {
  const auto e = error_of({{"model_path", "m"}, {"num_threads", "four"}});
  EXPECT_NE(e.find("s.json: runtime.parameters.num_threads"), std::string::npos) << e;
  EXPECT_NE(e.find("expected integer in [1, 256]"), std::string::npos) << e;
  EXPECT_NE(e.find("\"four\" (string)"), std::string::npos) << e;
}

TEST(ParamSchema, OutOfRangeIsRejected) {
  EXPECT_NE(error_of({{"model_path", "m"}, {"num_threads", 0}}).find("in [1, 256]"), std::string::npos);
  EXPECT_NE(error_of({{"model_path", "m"}, {"num_threads", 257}}).find("got 257"), std::string::npos);
  EXPECT_NE(error_of({{"model_path", "m"}, {"learning_rate", -1}}).find(">= 0"), std::string::npos);
}

TEST(ParamSchema, EnumErrorListsAllowedValues) {
  const auto e = error_of({{"model_path", "m"}, {"target", "gpu"}});
  EXPECT_NE(e.find("target: expected one of: cpu, opencl"), std::string::npos) << e;
}

TEST(ParamSchema, ListItemsAreCheckedWithTheirIndex) {
  const auto e = error_of({{"model_path", "m"}, {"input_shape", {1, 0, 28}}});
  EXPECT_NE(e.find("input_shape[1]"), std::string::npos) << e;
  EXPECT_NE(error_of({{"model_path", "m"}, {"input_shape", 5}}).find("expected list of integer"), std::string::npos);
}

TEST(ParamSchema, BoolMustBeBool) {
  EXPECT_NE(error_of({{"model_path", "m"}, {"verbose", "yes"}}).find("expected boolean"), std::string::npos);
}

TEST(ParamSchema, MissingRequiredIsNamed) {
  const auto e = error_of(json::object());
  EXPECT_NE(e.find("missing required parameter 'model_path'"), std::string::npos) << e;
  EXPECT_NE(e.find("ExampleClass"), std::string::npos) << e;
}

TEST(ParamSchema, EnumsRoundTripAsTheirNames) {
  for (const Device device : {Device::Cpu, Device::OpenCL}) {
    ExampleParams p;
    p.model_path = "m.onnx";
    p.target = device;
    const json j = schema().to_json(p);
    EXPECT_EQ(j["target"], kenning::enum_name(kDeviceNames, device));
    const auto back = schema().from_validated(kenning::validate_params(schema().decls(), j, "here", "ExampleClass"));
    EXPECT_EQ(back.target, device);
  }
  EXPECT_EQ(kenning::enum_name(kDeviceNames, Device::OpenCL), "opencl");
  EXPECT_EQ(kenning::enum_name(kDeviceNames, static_cast<Device>(9)), "");
}

namespace {
std::string check_error(const ExampleParams& p) {
  try {
    schema().check(p);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
ExampleParams valid_params() {
  ExampleParams p;
  p.model_path = "m.onnx";
  return p;
}
}  // namespace

TEST(ParamSchemaCheck, AcceptsValidParams) {
  EXPECT_EQ(check_error(valid_params()), "");
  auto p = valid_params();
  p.num_threads = 256;
  p.target = Device::OpenCL;
  p.note = "";  // optional strings may stay empty
  EXPECT_EQ(check_error(p), "");
}

TEST(ParamSchemaCheck, ValueOutOfRangeNamesClassKeyAndLimits) {
  auto p = valid_params();
  p.num_threads = 0;
  EXPECT_EQ(check_error(p), "ExampleClass.num_threads: expected integer in [1, 256], got 0 (integer)");
  p = valid_params();
  p.learning_rate = -0.5;
  EXPECT_EQ(check_error(p), "ExampleClass.learning_rate: expected number >= 0, got -0.5 (number)");
  p = valid_params();
  p.input_shape = {1, 0};
  EXPECT_EQ(check_error(p), "ExampleClass.input_shape[1]: expected integer >= 1, got 0 (integer)");
}

TEST(ParamSchemaCheck, RequiredPathLeftEmptyIsMissing) {
  ExampleParams p;  // model_path empty
  EXPECT_EQ(check_error(p),
            "ExampleClass: missing required parameter 'model_path' (path: Model file) for ExampleClass");
  // Worded as scenario validation words it.
  EXPECT_NE(
      error_of(json::object()).find("missing required parameter 'model_path' (path: Model file) for ExampleClass"),
      std::string::npos);
}

TEST(ParamSchemaCheck, EnumValueOutsideTheNamesIsRejected) {
  auto p = valid_params();
  p.target = static_cast<Device>(7);
  EXPECT_EQ(check_error(p), "ExampleClass.target: expected one of: cpu, opencl, got 7 (integer)");
  EXPECT_EQ(schema().to_json(p)["target"], 7);
}

TEST(ParamSchemaCheck, CheckedReturnsTheParamsItChecked) {
  const auto p = valid_params();
  EXPECT_EQ(&schema().checked(p), &p);
  auto bad = valid_params();
  bad.num_threads = 300;
  EXPECT_THROW(schema().checked(bad), ConfigError);
}

TEST(ParamSchema, UnknownKeyIsRejectedWithSuggestionAndKnownKeys) {
  const auto e = error_of({{"model_path", "m"}, {"num_thread", 2}});
  EXPECT_NE(e.find("unknown parameter 'num_thread' for ExampleClass"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'num_threads'"), std::string::npos) << e;
  EXPECT_NE(e.find("known parameters: model_path, num_threads"), std::string::npos) << e;
}

TEST(ParamSchema, ParametersMustBeAnObject) {
  EXPECT_NE(error_of(json::array()).find("expected an object of parameters"), std::string::npos);
}

TEST(ParamStrings, ConvertCommandLineValuesByDeclaredType) {
  const auto& d = schema().decls();
  EXPECT_EQ(kenning::parse_param_strings(d[1], {"12"}), 12);
  EXPECT_DOUBLE_EQ(kenning::parse_param_strings(d[2], {"1e-3"}).get<double>(), 1e-3);
  EXPECT_EQ(kenning::parse_param_strings(d[3], {"true"}), true);
  EXPECT_EQ(kenning::parse_param_strings(d[3], {"off"}), false);
  EXPECT_EQ(kenning::parse_param_strings(d[5], {"3,32,32"}), json({3, 32, 32}));
  EXPECT_EQ(kenning::parse_param_strings(d[5], {"3", "32", "32"}), json({3, 32, 32}));
  EXPECT_EQ(kenning::parse_param_strings(d[0], {"a b.onnx"}), "a b.onnx");
}

TEST(ParamStrings, BadValuesNameTheFlag) {
  const auto& d = schema().decls();
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message([&] {
              kenning::parse_param_strings(d[1], {"four"});
            }).find("--num-threads: expected an integer, got 'four'"),
            std::string::npos);
  EXPECT_NE(
      message([&] { kenning::parse_param_strings(d[1], {"999"}); }).find("--num-threads: expected integer in [1, 256]"),
      std::string::npos);
  EXPECT_NE(message([&] { kenning::parse_param_strings(d[4], {"tpu"}); }).find("one of: cpu, opencl"),
            std::string::npos);
  EXPECT_NE(message([&] { kenning::parse_param_strings(d[3], {"maybe"}); }).find("expected true or false"),
            std::string::npos);
  EXPECT_EQ(message([&] { kenning::parse_param_strings(d[1], {"4"}, "--runtime-num-threads"); }), "");
  EXPECT_NE(message([&] {
              kenning::parse_param_strings(d[1], {"x"}, "--runtime-num-threads");
            }).find("--runtime-num-threads:"),
            std::string::npos);
}

namespace {
struct RunnerParams {
  json model_wrapper;
  json runtime;
};
const ParamSchema<RunnerParams>& runner_schema() {
  static const auto s = ParamSchema<RunnerParams>("ExampleRunner", "Nested blocks")
                            .field("model_wrapper", &RunnerParams::model_wrapper, "Model wrapper block")
                            .required()
                            .field("runtime", &RunnerParams::runtime, "Runtime block");
  return s;
}
}  // namespace

TEST(ParamSchema, BlocksAreScenarioBlockObjectsBoundAsJson) {
  const auto& d = runner_schema().decls();
  EXPECT_EQ(d[0].type, ParamType::Block);
  EXPECT_STREQ(kenning::param_type_name(d[1].type), "block");
  EXPECT_TRUE(d[1].default_value.is_null());
  const json wrapper = {{"type", "W"}, {"parameters", {{"model_path", "m.onnx"}}}};
  const RunnerParams p = runner_schema().parse({{"model_wrapper", wrapper}}, "flow.json: runner 1.parameters");
  EXPECT_EQ(p.model_wrapper, wrapper);
  EXPECT_TRUE(p.runtime.is_null());
  for (const json& bad : {json("W"), json({{"parameters", json::object()}}), json({{"type", "W"}, {"parameters", 3}}),
                          json({{"type", "W"}, {"extra", 1}})}) {
    try {
      runner_schema().parse({{"model_wrapper", bad}}, "flow.json: runner 1.parameters");
      ADD_FAILURE() << bad.dump();
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("runner 1.parameters.model_wrapper: expected scenario block object"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(kenning::parse_param_strings(d[1], {R"({"type": "R"})"}), json({{"type", "R"}}));
}

namespace {

struct CameraLikeParams {
  std::string video_source = "0";
  std::int64_t width = 0;
};

const ParamSchema<CameraLikeParams>& camera_like() {
  static const auto s = ParamSchema<CameraLikeParams>("CameraLike", "Upstream names beside ours")
                            .field("video_source", &CameraLikeParams::video_source, "Source")
                            .alias("video_file_path")
                            .field("width", &CameraLikeParams::width, "Width")
                            .range(0, 100)
                            .alias("input_width")
                            .ignored("input_color_format", ParamType::String, "converted elsewhere")
                            .one_of({"BGR", "RGB"});
  return s;
}

std::string camera_error(const json& params) {
  try {
    camera_like().parse(params, "s.json: data_provider.parameters");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ParamSchema, AliasesReadAsTheNameTheyStandFor) {
  const auto p = camera_like().parse({{"video_file_path", "clip.mp4"}, {"input_width", 64}}, "s.json");
  EXPECT_EQ(p.video_source, "clip.mp4");
  EXPECT_EQ(p.width, 64);
  // The effective configuration uses our names only.
  EXPECT_EQ(camera_like().to_json(p), (json{{"video_source", "clip.mp4"}, {"width", 64}}));
  // An alias is checked as the parameter is, and named as the scenario gave it.
  EXPECT_EQ(camera_error({{"input_width", 500}}),
            "s.json: data_provider.parameters.input_width: expected integer in [0, 100], got 500 (integer)");
  EXPECT_NE(camera_error({{"video_file_path", "a"}, {"video_source", "b"}})
                .find("'video_file_path' and 'video_source' both set CameraLike's video_source; give one of them"),
            std::string::npos);
  EXPECT_NE(camera_error({{"video_file_pth", "a"}}).find("did you mean 'video_file_path'?"), std::string::npos);
  EXPECT_NE(
      camera_error({{"x", 1}}).find("known parameters: video_source (or video_file_path), width (or input_width)"),
      std::string::npos);
}

TEST(ParamSchema, IgnoredUpstreamParametersAreCheckedAndDropped) {
  const json validated =
      kenning::validate_params(camera_like().decls(), {{"input_color_format", "RGB"}}, "s.json", "CameraLike");
  EXPECT_EQ(validated, (json{{"video_source", "0"}, {"width", 0}}));
  EXPECT_NE(camera_error({{"input_color_format", "YUV"}}).find("input_color_format: expected one of: BGR, RGB"),
            std::string::npos);
  // Not part of what the class is built from, nor of what it writes back.
  EXPECT_EQ(camera_like().to_json(camera_like().from_validated(validated)), validated);
  EXPECT_NO_THROW(camera_like().check(CameraLikeParams{}));
}
