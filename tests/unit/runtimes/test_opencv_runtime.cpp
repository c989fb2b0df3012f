// OpenCVRuntime against small ONNX models built here with the ONNX protobuf
// API, whose results are recomputed with plain loops in the test.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <opencv2/dnn.hpp>

#include "kenning/core/error.h"
#include "test_support.h"
#include "kenning/registries.h"
#include "runtimes/opencv_runtime.h"

namespace fs = std::filesystem;
using kenning::DType;
using kenning::IOSpec;
using kenning::OpenCVRuntime;
using kenning::Shape;
using kenning::Tensor;
using kenning::TensorSpec;
using kenning::TensorView;

namespace {

using kenning::testing::error_of;

// ---- ONNX model construction ------------------------------------------------

// `dims` with -1 become the symbolic batch dimension "N".
void set_type(onnx::ValueInfoProto* info, const std::string& name, const Shape& dims) {
  info->set_name(name);
  auto* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tensor_type->mutable_shape();
  for (std::int64_t d : dims) {
    auto* dim = shape->add_dim();
    if (d < 0) {
      dim->set_dim_param("N");
    } else {
      dim->set_dim_value(d);
    }
  }
}

void add_initializer(onnx::GraphProto* graph, const std::string& name, const Shape& dims,
                     const std::vector<float>& values) {
  auto* t = graph->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (std::int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
}

onnx::NodeProto* add_node(onnx::GraphProto* graph, const std::string& op, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs) {
  auto* node = graph->add_node();
  node->set_op_type(op);
  node->set_name(op + "_" + outputs.front());
  for (const auto& i : inputs) node->add_input(i);
  for (const auto& o : outputs) node->add_output(o);
  return node;
}

void add_int_attr(onnx::NodeProto* node, const std::string& name, std::int64_t value) {
  auto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void add_ints_attr(onnx::NodeProto* node, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto v : values) a->add_ints(v);
}

void save_model(onnx::ModelProto& model, const fs::path& path) {
  model.set_ir_version(7);
  model.set_producer_name("kenning-cpp-tests");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  std::ofstream out(path, std::ios::binary);
  ASSERT_TRUE(model.SerializeToOstream(&out)) << path;
}

// Gemm (transB=1, as PyTorch's Linear exports) followed by Relu:
// Y = relu(X @ W^T + B), X: [N, 3], W: [2, 3], B: [2].
const std::vector<float> kGemmW = {0.5f, -1.0f, 2.0f, -0.25f, 0.75f, -1.5f};
const std::vector<float> kGemmB = {0.1f, -0.2f};

void write_gemm_relu(const fs::path& path) {
  onnx::ModelProto model;
  auto* g = model.mutable_graph();
  g->set_name("gemm_relu");
  set_type(g->add_input(), "X", {-1, 3});
  set_type(g->add_output(), "Y", {-1, 2});
  add_initializer(g, "W", {2, 3}, kGemmW);
  add_initializer(g, "B", {2}, kGemmB);
  add_int_attr(add_node(g, "Gemm", {"X", "W", "B"}, {"H"}), "transB", 1);
  add_node(g, "Relu", {"H"}, {"Y"});
  save_model(model, path);
}

std::vector<float> gemm_relu_reference(const std::vector<float>& x, std::size_t batch) {
  std::vector<float> y(batch * 2);
  for (std::size_t n = 0; n < batch; ++n) {
    for (std::size_t j = 0; j < 2; ++j) {
      float acc = kGemmB[j];
      for (std::size_t k = 0; k < 3; ++k) acc += x[n * 3 + k] * kGemmW[j * 3 + k];
      y[n * 2 + j] = acc > 0.0f ? acc : 0.0f;
    }
  }
  return y;
}

// Conv 3x3, 2 -> 2 channels, padding 1, stride 1, with bias, on a 4x5 image
// (not square, so swapped height/width would show).
constexpr int kCin = 2, kCout = 2, kH = 4, kW = 5, kK = 3;

std::vector<float> conv_weights() {
  std::vector<float> w(kCout * kCin * kK * kK);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>((i * 7) % 11) / 10.0f - 0.5f;
  return w;
}
const std::vector<float> kConvB = {0.25f, -0.5f};

void write_conv(const fs::path& path) {
  onnx::ModelProto model;
  auto* g = model.mutable_graph();
  g->set_name("conv");
  set_type(g->add_input(), "image", {1, kCin, kH, kW});
  set_type(g->add_output(), "features", {1, kCout, kH, kW});
  add_initializer(g, "weight", {kCout, kCin, kK, kK}, conv_weights());
  add_initializer(g, "bias", {kCout}, kConvB);
  auto* conv = add_node(g, "Conv", {"image", "weight", "bias"}, {"features"});
  add_ints_attr(conv, "kernel_shape", {kK, kK});
  add_ints_attr(conv, "pads", {1, 1, 1, 1});
  add_ints_attr(conv, "strides", {1, 1});
  save_model(model, path);
}

std::vector<float> conv_reference(const std::vector<float>& x) {
  const std::vector<float> w = conv_weights();
  std::vector<float> y(kCout * kH * kW);
  for (int o = 0; o < kCout; ++o) {
    for (int r = 0; r < kH; ++r) {
      for (int c = 0; c < kW; ++c) {
        float acc = kConvB[o];
        for (int i = 0; i < kCin; ++i) {
          for (int kr = 0; kr < kK; ++kr) {
            for (int kc = 0; kc < kK; ++kc) {
              const int rr = r + kr - 1, cc = c + kc - 1;
              if (rr < 0 || rr >= kH || cc < 0 || cc >= kW) continue;
              acc += x[(i * kH + rr) * kW + cc] * w[((o * kCin + i) * kK + kr) * kK + kc];
            }
          }
        }
        y[(o * kH + r) * kW + c] = acc;
      }
    }
  }
  return y;
}

// Y = A - B with graph inputs in the order A, B (Sub is not commutative, so
// binding by position instead of name would show).
void write_sub(const fs::path& path) {
  onnx::ModelProto model;
  auto* g = model.mutable_graph();
  g->set_name("sub");
  set_type(g->add_input(), "A", {1, 4});
  set_type(g->add_input(), "B", {1, 4});
  set_type(g->add_output(), "Y", {1, 4});
  add_node(g, "Sub", {"A", "B"}, {"Y"});
  save_model(model, path);
}

// A graph whose only node is an operator no ONNX domain defines.
void write_unknown_op(const fs::path& path) {
  onnx::ModelProto model;
  auto* g = model.mutable_graph();
  g->set_name("unknown_op");
  set_type(g->add_input(), "X", {1, 3});
  set_type(g->add_output(), "Y", {1, 3});
  add_node(g, "FrobnicateKenning", {"X"}, {"Y"});
  save_model(model, path);
}

// ---- helpers ----------------------------------------------------------------

TensorSpec spec_of(std::string name, Shape shape, DType dtype = DType::Float32) {
  TensorSpec t;
  t.name = std::move(name);
  t.shape = std::move(shape);
  t.dtype = dtype;
  return t;
}

IOSpec gemm_spec() {
  IOSpec spec;
  spec.input.push_back(spec_of("X", {-1, 3}));
  spec.output.push_back(spec_of("Y", {-1, 2}));
  return spec;
}

std::unique_ptr<OpenCVRuntime> make_runtime(const nlohmann::json& params = nlohmann::json::object()) {
  return std::make_unique<OpenCVRuntime>(OpenCVRuntime::schema().parse(params, "test"));
}

// Runs one batch and returns the outputs.
std::vector<Tensor> infer(OpenCVRuntime& rt, const std::vector<Tensor>& inputs) {
  std::vector<TensorView> views;
  for (const auto& t : inputs) views.push_back(t.view());
  rt.load_input(views);
  rt.run();
  return rt.extract_output();
}

void expect_near(std::span<const float> actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-4f) << "element " << i;
  }
}

class OpenCVRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kenning-opencv-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

// ---- results ----------------------------------------------------------------

TEST_F(OpenCVRuntimeTest, GemmReluMatchesLoopComputation) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  auto rt = make_runtime();
  rt->prepare_model(model, gemm_spec());

  // Chosen so one output is negative before Relu and must come out as 0.
  const std::vector<float> x = {1.0f, 2.0f, 3.0f};
  const std::vector<float> expected = gemm_relu_reference(x, 1);
  ASSERT_GT(expected[0], 0.0f);
  ASSERT_EQ(expected[1], 0.0f);

  std::vector<Tensor> inputs;
  inputs.push_back(Tensor::from<float>({1, 3}, x));
  const auto out = infer(*rt, inputs);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dtype(), DType::Float32);
  EXPECT_EQ(out[0].shape(), (Shape{1, 2}));
  expect_near(out[0].data<float>(), expected);
}

TEST_F(OpenCVRuntimeTest, BatchOfThreeMatchesLoopComputation) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  auto rt = make_runtime();
  rt->prepare_model(model, gemm_spec());

  const std::vector<float> x = {1.0f, 2.0f, 3.0f, -1.0f, 0.5f, 0.0f, 4.0f, -2.0f, 1.5f};
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor::from<float>({3, 3}, x));
  const auto out = infer(*rt, inputs);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  expect_near(out[0].data<float>(), gemm_relu_reference(x, 3));
}

TEST_F(OpenCVRuntimeTest, ConvMatchesLoopComputation) {
  const fs::path model = dir_ / "conv.onnx";
  write_conv(model);
  IOSpec spec;
  spec.input.push_back(spec_of("image", {1, kCin, kH, kW}));
  spec.output.push_back(spec_of("features", {1, kCout, kH, kW}));
  auto rt = make_runtime({{"num_threads", 1}});
  rt->prepare_model(model, spec);

  std::vector<float> x(kCin * kH * kW);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 5) % 9) - 4.0f;
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor::from<float>({1, kCin, kH, kW}, x));
  const auto out = infer(*rt, inputs);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{1, kCout, kH, kW}));
  expect_near(out[0].data<float>(), conv_reference(x));
}

TEST_F(OpenCVRuntimeTest, RepeatedRunsFollowTheirInputs) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  auto rt = make_runtime();
  rt->prepare_model(model, gemm_spec());

  const std::vector<std::vector<float>> batches = {{1.0f, 2.0f, 3.0f}, {-3.0f, 1.0f, -0.5f}, {1.0f, 2.0f, 3.0f}};
  for (const auto& x : batches) {
    std::vector<Tensor> inputs;
    inputs.push_back(Tensor::from<float>({1, 3}, x));
    const auto out = infer(*rt, inputs);
    ASSERT_EQ(out.size(), 1u);
    expect_near(out[0].data<float>(), gemm_relu_reference(x, 1));
  }
}

TEST_F(OpenCVRuntimeTest, SpecWithoutNamesUsesTheSingleInputAndDanglingOutput) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  IOSpec spec;
  spec.input.push_back(spec_of("", {1, 3}));
  spec.output.push_back(spec_of("not_in_the_model", {1, 2}));
  auto rt = make_runtime();
  rt->prepare_model(model, spec);

  const std::vector<float> x = {0.5f, -1.0f, 2.0f};
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor::from<float>({1, 3}, x));
  const auto out = infer(*rt, inputs);
  ASSERT_EQ(out.size(), 1u);
  expect_near(out[0].data<float>(), gemm_relu_reference(x, 1));
}

TEST_F(OpenCVRuntimeTest, InputsAreBoundByTheSpecsNames) {
  const fs::path model = dir_ / "sub.onnx";
  write_sub(model);
  IOSpec spec;  // B listed before A, unlike the graph
  spec.input.push_back(spec_of("B", {1, 4}));
  spec.input.push_back(spec_of("A", {1, 4}));
  spec.output.push_back(spec_of("Y", {1, 4}));
  auto rt = make_runtime();
  rt->prepare_model(model, spec);

  const std::vector<float> b = {1.0f, 2.0f, 3.0f, 4.0f};
  const std::vector<float> a = {10.0f, 20.0f, 30.0f, 40.0f};
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor::from<float>({1, 4}, b));
  inputs.push_back(Tensor::from<float>({1, 4}, a));
  const auto out = infer(*rt, inputs);
  ASSERT_EQ(out.size(), 1u);
  std::vector<float> expected(4);
  for (std::size_t i = 0; i < 4; ++i) expected[i] = a[i] - b[i];
  expect_near(out[0].data<float>(), expected);
}

TEST_F(OpenCVRuntimeTest, ReportsFrameworkAndFormats) {
  auto rt = make_runtime();
  EXPECT_EQ(rt->framework(), "opencv");
  EXPECT_EQ(rt->framework_version(), cv::getVersionString());
  EXPECT_EQ(rt->input_formats(), std::vector<std::string>{"onnx"});
  EXPECT_TRUE(rt->save_model_path().empty());
  auto named = make_runtime({{"save_model_path", "m.onnx"}});
  EXPECT_EQ(named->save_model_path(), fs::path("m.onnx"));
}

TEST_F(OpenCVRuntimeTest, UsesSaveModelPathWhenNoModelIsHandedIn) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  auto rt = make_runtime({{"save_model_path", model.string()}});
  rt->prepare_model({}, gemm_spec());
  const std::vector<float> x = {1.0f, 0.0f, 1.0f};
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor::from<float>({1, 3}, x));
  expect_near(infer(*rt, inputs)[0].data<float>(), gemm_relu_reference(x, 1));
}

// ---- errors -----------------------------------------------------------------

TEST_F(OpenCVRuntimeTest, MissingFileIsIoErrorNamingIt) {
  auto rt = make_runtime();
  const fs::path model = dir_ / "absent.onnx";
  const std::string msg = error_of<kenning::IoError>([&] { rt->prepare_model(model, gemm_spec()); });
  EXPECT_NE(msg.find(model.string()), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, TextFileNamedOnnxIsOneLineBackendError) {
  const fs::path model = dir_ / "notes.onnx";
  std::ofstream(model) << "this is not a protobuf\nsecond line\n";
  auto rt = make_runtime();
  const std::string msg = error_of<kenning::BackendError>([&] { rt->prepare_model(model, gemm_spec()); });
  EXPECT_NE(msg.find(model.string()), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, UnsupportedOperatorIsBackendErrorWithOpenCVsReason) {
  const fs::path model = dir_ / "unknown_op.onnx";
  write_unknown_op(model);
  auto rt = make_runtime();
  IOSpec spec;
  spec.input.push_back(spec_of("X", {1, 3}));
  const std::string msg = error_of<kenning::BackendError>([&] { rt->prepare_model(model, spec); });
  EXPECT_NE(msg.find(model.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("FrobnicateKenning"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, WrongInputShapeIsConfigErrorNamingTheInput) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  auto rt = make_runtime();
  rt->prepare_model(model, gemm_spec());
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor(DType::Float32, {1, 4}));
  const std::string msg = error_of<kenning::ConfigError>([&] { infer(*rt, inputs); });
  EXPECT_NE(msg.find("'X'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1, 4]"), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, WrongDtypeIsConfigErrorNamingTheInput) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  auto rt = make_runtime();
  rt->prepare_model(model, gemm_spec());
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor(DType::Int32, {1, 3}));
  const std::string msg = error_of<kenning::ConfigError>([&] { infer(*rt, inputs); });
  EXPECT_NE(msg.find("'X'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("int32"), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, NonFloatSpecIsNotSupported) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  IOSpec spec = gemm_spec();
  spec.input[0].dtype = DType::Int8;
  auto rt = make_runtime();
  const std::string msg = error_of<kenning::NotSupported>([&] { rt->prepare_model(model, spec); });
  EXPECT_NE(msg.find("'X'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("int8"), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, SpecInputMissingFromModelIsConfigError) {
  const fs::path model = dir_ / "gemm.onnx";
  write_gemm_relu(model);
  IOSpec spec = gemm_spec();
  spec.input[0].name = "pixels";
  auto rt = make_runtime();
  const std::string msg = error_of<kenning::ConfigError>([&] { rt->prepare_model(model, spec); });
  EXPECT_NE(msg.find("'pixels'"), std::string::npos) << msg;
}

TEST_F(OpenCVRuntimeTest, CallsOutOfOrderAreErrorsNotCrashes) {
  auto rt = make_runtime();
  std::vector<Tensor> inputs;
  inputs.push_back(Tensor(DType::Float32, {1, 3}));
  std::vector<TensorView> views = {inputs[0].view()};
  EXPECT_THROW(rt->load_input(views), kenning::BackendError);
  EXPECT_THROW(rt->run(), kenning::BackendError);
  EXPECT_THROW(rt->extract_output(), kenning::BackendError);
}

TEST(OpenCVRuntimeParams, BadTargetIsConfigErrorListingTheChoices) {
  const std::string msg = error_of<kenning::ConfigError>([] {
    OpenCVRuntime::schema().parse({{"target", "tpu"}}, "test");
  });
  EXPECT_NE(msg.find("target"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tpu"), std::string::npos) << msg;
  for (const char* choice : {"cpu", "opencl", "opencl_fp16", "cuda", "cuda_fp16"}) {
    EXPECT_NE(msg.find(choice), std::string::npos) << choice << " missing from: " << msg;
  }
}

TEST(OpenCVRuntimeParams, NumThreadsOutOfRangeIsConfigError) {
  EXPECT_THROW(OpenCVRuntime::schema().parse({{"num_threads", 1000}}, "test"), kenning::ConfigError);
  EXPECT_THROW(OpenCVRuntime::schema().parse({{"num_threads", -2}}, "test"), kenning::ConfigError);
}

TEST(OpenCVRuntimeParams, BackendMissingFromThisBuildIsConfigError) {
  if (!cv::dnn::getAvailableTargets(cv::dnn::DNN_BACKEND_CUDA).empty()) {
    GTEST_SKIP() << "this OpenCV has the CUDA backend";
  }
  const std::string msg = error_of<kenning::ConfigError>([] {
    make_runtime({{"backend", "cuda"}, {"target", "cuda"}});
  });
  EXPECT_NE(msg.find("backend"), std::string::npos) << msg;
  EXPECT_NE(msg.find("opencv/cpu"), std::string::npos) << msg;  // lists what there is
}

TEST(OpenCVRuntimeParams, TargetTheBackendLacksIsConfigError) {
  // The OpenCV backend never runs on CUDA devices.
  const std::string msg = error_of<kenning::ConfigError>([] { make_runtime({{"target", "cuda"}}); });
  EXPECT_NE(msg.find("'target'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("opencv/cpu"), std::string::npos) << msg;
}

TEST(OpenCVRuntimeRegistry, RegisteredUnderShortAndDottedName) {
  kenning::Registry<kenning::Runtime> registry{"runtime", "runtimes"};
  kenning::register_runtimes(registry);
  const auto& info = registry.find("kenning.runtimes.opencv.OpenCVRuntime");
  EXPECT_EQ(info.name, "OpenCVRuntime");
  EXPECT_TRUE(info.available);
  auto rt = registry.create("OpenCVRuntime", {{"num_threads", 2}}, "test");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->type_name(), "OpenCVRuntime");
  EXPECT_EQ(rt->parameters().at("num_threads"), 2);
  EXPECT_EQ(rt->parameters().at("backend"), "opencv");
}

}  // namespace
