// I/O specification sidecars in upstream Kenning's JSON shape.
#include <fstream>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"

using kenning::IOSpec;

namespace {

IOSpec example() {
  IOSpec s;
  kenning::TensorSpec in;
  in.name = "input";
  in.shape = {-1, 1, 28, 28};
  in.dtype = kenning::DType::Float32;
  s.input.push_back(in);
  kenning::TensorSpec q = in;
  q.dtype = kenning::DType::Int8;
  q.scale = 0.5;
  q.zero_point = -3;
  q.prequantized_dtype = kenning::DType::Float32;
  s.processed_input.push_back(q);
  kenning::TensorSpec out;
  out.name = "output";
  out.shape = {-1, 3};
  out.class_name = {"a", "b", "c"};
  s.output.push_back(out);
  return s;
}

}  // namespace

TEST(IOSpec, JsonHasUpstreamKeys) {
  const auto j = example().to_json();
  EXPECT_EQ(j["input"][0]["name"], "input");
  EXPECT_EQ(j["input"][0]["shape"], nlohmann::json({-1, 1, 28, 28}));
  EXPECT_EQ(j["input"][0]["dtype"], "float32");
  EXPECT_EQ(j["processed_input"][0]["dtype"], "int8");
  EXPECT_EQ(j["processed_input"][0]["scale"], 0.5);
  EXPECT_EQ(j["processed_input"][0]["zero_point"], -3);
  EXPECT_EQ(j["output"][0]["class_name"], nlohmann::json({"a", "b", "c"}));
}

TEST(IOSpec, SidecarRoundTrips) {
  const auto dir = std::filesystem::temp_directory_path() / "kenning-test-iospec";
  std::filesystem::create_directories(dir);
  const auto model = dir / "model.onnx";
  kenning::save_io_spec(example(), model);
  EXPECT_TRUE(std::filesystem::exists(dir / "model.onnx.json"));
  const auto loaded = kenning::load_io_spec(model);
  EXPECT_EQ(loaded.to_json(), example().to_json());
  EXPECT_EQ(loaded.model_inputs().front().dtype, kenning::DType::Int8);
}

TEST(IOSpec, MalformedSidecarNamesFileAndEntry) {
  const auto dir = std::filesystem::temp_directory_path() / "kenning-test-iospec";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.onnx.json")
      << R"({"input": [{"name": "x", "dtype": "float99"}], "output": [{"name": "y"}]})";
  try {
    kenning::load_io_spec(dir / "bad.onnx");
    FAIL();
  } catch (const kenning::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.onnx.json.input[0].dtype: unknown dtype 'float99'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(kenning::load_io_spec(dir / "missing.onnx"), kenning::IoError);
}

TEST(IOSpec, InputsAreCheckedAgainstSpec) {
  const auto spec = example();
  kenning::Tensor ok(kenning::DType::Float32, {4, 1, 28, 28});
  kenning::Tensor wrong_shape(kenning::DType::Float32, {4, 28, 28});
  kenning::Tensor wrong_type(kenning::DType::UInt8, {4, 1, 28, 28});
  std::vector<kenning::TensorView> v = {ok.view()};
  EXPECT_NO_THROW(kenning::check_inputs_against_spec(v, spec.input));
  v = {wrong_shape.view()};
  try {
    kenning::check_inputs_against_spec(v, spec.input);
    FAIL();
  } catch (const kenning::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("expected shape [-1, 1, 28, 28] (-1 = any), got [4, 28, 28]"),
              std::string::npos)
        << e.what();
  }
  v = {wrong_type.view()};
  EXPECT_THROW(kenning::check_inputs_against_spec(v, spec.input), kenning::ConfigError);
  v = {};
  EXPECT_THROW(kenning::check_inputs_against_spec(v, spec.input), kenning::ConfigError);
}
