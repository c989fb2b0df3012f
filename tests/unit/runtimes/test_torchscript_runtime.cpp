// PyTorchRuntime and the CNN's TorchScript export. The committed trained
// weights (models/fashion-mnist-cnn.pt) are exported to TorchScript in a
// temporary folder; the same inputs then go through the libtorch module, the
// TorchScript file in PyTorchRuntime and (with OpenCV) the committed ONNX
// export in OpenCVRuntime, which must agree. Error cases must name the file
// or input and throw kenning errors, not crash.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "nets/net_init.h"
#include "nets/net_torchscript_export.h"
#include "nets/net_zoo.h"
#include "test_support.h"
#include "modelwrappers/fashion_mnist_cnn.h"
#include "datasets/fashion_mnist_dataset.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/registries.h"
#include "runtimes/torchscript_runtime.h"

#if KENNING_WITH_OPENCV
#include "runtimes/opencv_runtime.h"
#endif

namespace kenning {
namespace {

using testing::error_of;

namespace fs = std::filesystem;

const fs::path kModels = fs::path(KENNING_TEST_SOURCE_DIR) / "models";
const fs::path kFashionRoot = "/usr/share/datasets/fashion-mnist";

std::vector<float> random_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(0.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// The wrapper over the committed weights: model_path names the committed
// .onnx, so weights_path() is models/fashion-mnist-cnn.pt.
PyTorchFashionMNISTCNN committed_wrapper() {
  return PyTorchFashionMNISTCNN(PyTorchFashionMNISTCNN::schema().parse(
      {{"model_path", (kModels / "fashion-mnist-cnn.onnx").string()}, {"num_threads", 2}}, "test: model_wrapper"));
}

std::unique_ptr<PyTorchRuntime> make_runtime(const nlohmann::json& params = nlohmann::json::object()) {
  return std::make_unique<PyTorchRuntime>(PyTorchRuntime::schema().parse(params, "test: runtime"));
}

// One batch through a runtime.
std::vector<Tensor> infer(Runtime& rt, const Tensor& input) {
  const TensorView view = input.view();
  rt.load_input(std::span(&view, 1));
  rt.run();
  return rt.extract_output();
}

double max_abs_diff(std::span<const float> a, std::span<const float> b) {
  EXPECT_EQ(a.size(), b.size());
  double d = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    d = std::max(d, static_cast<double>(std::fabs(a[i] - b[i])));
  }
  return d;
}

constexpr std::size_t kNumClasses = 10;

std::vector<std::size_t> argmax_rows(std::span<const float> logits) {
  std::vector<std::size_t> out;
  for (std::size_t r = 0; r + kNumClasses <= logits.size(); r += kNumClasses) {
    const auto row = logits.subspan(r, kNumClasses);
    out.push_back(static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin()));
  }
  return out;
}

class TorchScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kenning-torchscript-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // The committed weights exported to <dir>/fashion-mnist-cnn.ts.
  fs::path export_committed() {
    const fs::path ts = dir_ / "fashion-mnist-cnn.ts";
    committed_wrapper().save_to_torchscript(ts);
    return ts;
  }
  fs::path dir_;
};

// ---- export -----------------------------------------------------------------

TEST_F(TorchScriptTest, ExportWritesArchiveAndSidecar) {
  const fs::path ts = export_committed();
  ASSERT_TRUE(fs::is_regular_file(ts));
  EXPECT_GT(fs::file_size(ts), 1'600'000u);  // ~1.6 MB of float32 parameters
  ASSERT_TRUE(fs::exists(io_spec_path(ts)));
  EXPECT_EQ(load_io_spec(ts).to_json(), PyTorchFashionMNISTCNN::definition_io_spec().to_json());
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_TRUE(entry.path() == ts || entry.path() == io_spec_path(ts)) << "unexpected file " << entry.path();
  }
}

TEST(TorchScriptSource, FollowsTheCnnGraph) {
  const std::string src = net_torchscript_source(fashion_mnist_cnn_graph());
  EXPECT_HAS(src, "v0 = torch.conv2d(input, self.layers_0_weight, self.layers_0_bias, [1, 1], [1, 1], [1, 1], 1)");
  EXPECT_HAS(src, "v2 = torch.max_pool2d(v1, [2, 2], [2, 2], [0, 0])");
  EXPECT_HAS(src, "v9 = v8\n");  // Dropout: the identity at inference
  EXPECT_HAS(src, "v10 = self._linear(v9, self.layers_10_weight, self.layers_10_bias)");
  EXPECT_EQ(src.find("dropout"), std::string::npos) << src;
}

TEST_F(TorchScriptTest, ExportWithoutWeightsIsIoErrorNamingThem) {
  PyTorchFashionMNISTCNN w(
      PyTorchFashionMNISTCNN::schema().parse({{"model_path", (dir_ / "cnn.onnx").string()}}, "test: model_wrapper"));
  EXPECT_HAS(error_of<IoError>([&] { w.save_to_torchscript(dir_ / "cnn.ts"); }), "cnn.pt");
  EXPECT_FALSE(fs::exists(dir_ / "cnn.ts"));
}

TEST_F(TorchScriptTest, ExportIntoMissingFolderIsIoError) {
  const fs::path ts = dir_ / "no-such-folder" / "cnn.ts";
  EXPECT_HAS(error_of<IoError>([&] { committed_wrapper().save_to_torchscript(ts); }), "no-such-folder");
}

TEST_F(TorchScriptTest, MismatchedParametersAreBackendError) {
  const NetGraph g = fashion_mnist_cnn_graph();
  NetParams params = init_net_params(g, 1, LinearInit::PyTorchDefault);
  params["layers.0.weight"].shape = {32, 1, 5, 5};
  EXPECT_HAS(error_of<BackendError>([&] { export_net_to_torchscript(g, params, dir_ / "c.ts"); }),
             "c.ts: net 'fashion_mnist_cnn': parameter 'layers.0.weight' has shape [32, 1, 5, 5]");
  params = init_net_params(g, 1, LinearInit::PyTorchDefault);
  params.erase("layers.10.bias");
  EXPECT_HAS(error_of<BackendError>([&] { export_net_to_torchscript(g, params, dir_ / "c.ts"); }),
             "parameter 'layers.10.bias' is missing");
  EXPECT_FALSE(fs::exists(dir_ / "c.ts"));
}

// ---- libtorch vs TorchScript vs ONNX ------------------------------------------

// Runs `input` through all backends and checks they agree; returns the
// largest differences against libtorch for the log.
void expect_backends_agree(const fs::path& ts, const Tensor& input, const std::string& what) {
  SCOPED_TRACE(what);
  PyTorchFashionMNISTCNN wrapper = committed_wrapper();
  const TensorView view = input.view();
  const std::vector<Tensor> native = wrapper.run_inference(std::span(&view, 1));
  ASSERT_EQ(native.size(), 1u);
  const auto reference = native[0].data<float>();
  const Shape expected_shape = {input.shape()[0], static_cast<std::int64_t>(kNumClasses)};
  ASSERT_EQ(native[0].shape(), expected_shape);

  // As saved, and frozen + optimized for inference (oneDNN convolutions).
  std::vector<Tensor> ts_out;
  for (bool optimize : {false, true}) {
    auto torchscript = make_runtime({{"num_threads", 2}, {"optimize", optimize}});
    torchscript->prepare_model(ts, load_io_spec(ts));
    ts_out = infer(*torchscript, input);
    ASSERT_EQ(ts_out.size(), 1u);
    ASSERT_EQ(ts_out[0].dtype(), DType::Float32);
    ASSERT_EQ(ts_out[0].shape(), expected_shape);
    const double ts_diff = max_abs_diff(ts_out[0].data<float>(), reference);
    EXPECT_LT(ts_diff, 1e-4) << "optimize=" << optimize;
    EXPECT_EQ(argmax_rows(ts_out[0].data<float>()), argmax_rows(reference)) << "optimize=" << optimize;
    std::printf("[ diffs    ] %s: libtorch vs TorchScript (optimize=%d) max |diff| %.3g\n", what.c_str(), optimize,
                ts_diff);
  }
  std::printf("[ diffs    ] %s", what.c_str());

#if KENNING_WITH_OPENCV
  const fs::path onnx = kModels / "fashion-mnist-cnn.onnx";
  OpenCVRuntime opencv(OpenCVRuntime::schema().parse({{"num_threads", 2}}, "test: runtime"));
  opencv.prepare_model(onnx, load_io_spec(onnx));
  const std::vector<Tensor> cv_out = infer(opencv, input);
  ASSERT_EQ(cv_out.size(), 1u);
  ASSERT_EQ(cv_out[0].shape(), expected_shape);
  const double cv_diff = max_abs_diff(cv_out[0].data<float>(), reference);
  EXPECT_LT(cv_diff, 1e-4);
  EXPECT_LT(max_abs_diff(cv_out[0].data<float>(), ts_out[0].data<float>()), 1e-4);
  EXPECT_EQ(argmax_rows(cv_out[0].data<float>()), argmax_rows(reference));
  std::printf(", libtorch vs OpenCV/ONNX %.3g", cv_diff);
#endif
  std::printf("\n");

  // Not a vacuous match: the logits are far from zero.
  double max_abs = 0;
  for (float v : reference) max_abs = std::max(max_abs, static_cast<double>(std::fabs(v)));
  EXPECT_GT(max_abs, 1.0);
}

TEST_F(TorchScriptTest, BackendsAgreeOnRandomInputs) {
  const fs::path ts = export_committed();
  // Batch 1 and batch > 1 take different paths in the Linear layers.
  for (std::int64_t batch : {1, 8}) {
    const auto values = random_values(static_cast<std::size_t>(batch) * 784, 40 + batch);
    const Tensor input = Tensor::from<float>({batch, 1, 28, 28}, values);
    expect_backends_agree(ts, input, "random batch " + std::to_string(batch));
  }
}

TEST_F(TorchScriptTest, BackendsAgreeOnFashionMNISTTestImages) {
  if (!fs::exists(kFashionRoot / "t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << kFashionRoot << " not installed (Debian package dataset-fashion-mnist)";
  }
  FashionMNISTDataset dataset(FashionMNISTDataset::schema().parse(
      {{"dataset_root", kFashionRoot.string()}, {"reduce_dataset", 0.02}}, "test: dataset"));
  dataset.prepare();
  const Batch batch = dataset.batch(Split::Test, 0, 100);
  ASSERT_EQ(batch.inputs.size(), 1u);
  const fs::path ts = export_committed();
  expect_backends_agree(ts, batch.inputs[0], "Fashion-MNIST test images");
}

TEST_F(TorchScriptTest, ModelFromParameterAndRepeatedRuns) {
  const fs::path ts = export_committed();
  auto rt = make_runtime({{"save_model_path", ts.string()}, {"num_threads", 0}});
  EXPECT_EQ(rt->save_model_path(), ts);
  rt->prepare_model("", load_io_spec(ts));  // empty: the parameter's file
  const Tensor a = Tensor::from<float>({2, 1, 28, 28}, random_values(2 * 784, 1));
  const Tensor b = Tensor::from<float>({2, 1, 28, 28}, random_values(2 * 784, 2));
  const std::vector<Tensor> first = infer(*rt, a);
  const std::vector<Tensor> other = infer(*rt, b);
  const std::vector<Tensor> again = infer(*rt, a);
  EXPECT_EQ(max_abs_diff(first[0].data<float>(), again[0].data<float>()), 0.0);
  EXPECT_GT(max_abs_diff(first[0].data<float>(), other[0].data<float>()), 1e-3);
}

// ---- errors -----------------------------------------------------------------

TEST_F(TorchScriptTest, MissingFileIsIoErrorNamingIt) {
  auto rt = make_runtime();
  const fs::path missing = dir_ / "missing.ts";
  const std::string msg =
      error_of<IoError>([&] { rt->prepare_model(missing, PyTorchFashionMNISTCNN::definition_io_spec()); });
  EXPECT_HAS(msg, missing.string());
  EXPECT_HAS(error_of<IoError>([&] { rt->prepare_model("", IOSpec{}); }), "no model file");
}

TEST_F(TorchScriptTest, FileThatIsNotTorchScriptIsIoErrorNamingIt) {
  const fs::path junk = dir_ / "junk.ts";
  std::ofstream(junk) << "this is not a TorchScript archive\n";
  auto rt = make_runtime();
  const std::string msg =
      error_of<IoError>([&] { rt->prepare_model(junk, PyTorchFashionMNISTCNN::definition_io_spec()); });
  EXPECT_HAS(msg, "junk.ts");
  EXPECT_HAS(msg, "not a TorchScript archive");

  // The ONNX file is a protobuf, not a zip archive either.
  const fs::path onnx = kModels / "fashion-mnist-cnn.onnx";
  EXPECT_HAS(error_of<IoError>([&] { rt->prepare_model(onnx, PyTorchFashionMNISTCNN::definition_io_spec()); }),
             "fashion-mnist-cnn.onnx");
}

TEST_F(TorchScriptTest, TruncatedArchiveIsIoErrorNamingIt) {
  const fs::path ts = export_committed();
  const fs::path cut = dir_ / "cut.ts";
  {
    std::ifstream in(ts, std::ios::binary);
    std::string bytes(4096, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(cut, std::ios::binary) << bytes;  // keeps the zip magic, loses the rest
  }
  auto rt = make_runtime();
  const std::string msg =
      error_of<IoError>([&] { rt->prepare_model(cut, PyTorchFashionMNISTCNN::definition_io_spec()); });
  EXPECT_HAS(msg, "cut.ts");
  EXPECT_HAS(msg, "truncated or corrupt");
}

TEST_F(TorchScriptTest, WeightsFileWithoutForwardIsBackendError) {
  // torch::save writes a TorchScript archive too, but one without forward().
  const fs::path weights = kModels / "fashion-mnist-cnn.pt";
  auto rt = make_runtime();
  const std::string msg =
      error_of<BackendError>([&] { rt->prepare_model(weights, PyTorchFashionMNISTCNN::definition_io_spec()); });
  EXPECT_HAS(msg, "fashion-mnist-cnn.pt");
  EXPECT_HAS(msg, "forward()");
}

TEST_F(TorchScriptTest, WrongInputsAreConfigErrorsNamingTheInput) {
  const fs::path ts = export_committed();
  auto rt = make_runtime();
  rt->prepare_model(ts, load_io_spec(ts));

  const Tensor wrong_shape(DType::Float32, {1, 1, 27, 28});
  std::string msg = error_of<ConfigError>([&] { infer(*rt, wrong_shape); });
  EXPECT_HAS(msg, "'input'");
  EXPECT_HAS(msg, "[1, 1, 27, 28]");
  EXPECT_HAS(msg, "fashion-mnist-cnn.ts");

  const Tensor wrong_rank(DType::Float32, {1, 784});
  EXPECT_HAS(error_of<ConfigError>([&] { infer(*rt, wrong_rank); }), "'input'");

  const Tensor wrong_dtype(DType::Int64, {1, 1, 28, 28});
  EXPECT_HAS(error_of<ConfigError>([&] { infer(*rt, wrong_dtype); }), "int64");

  std::vector<TensorView> none;
  EXPECT_THROW(rt->load_input(none), ConfigError);
  // A failed load leaves nothing to run.
  EXPECT_HAS(error_of<BackendError>([&] { rt->run(); }), "run before load_input");

  // Still usable after the errors.
  const Tensor good(DType::Float32, {3, 1, 28, 28});
  const std::vector<Tensor> out = infer(*rt, good);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{3, 10}));
}

TEST_F(TorchScriptTest, SpecWithAnotherInputCountIsConfigError) {
  const fs::path ts = export_committed();
  IOSpec spec = load_io_spec(ts);
  spec.input.push_back(spec.input[0]);
  spec.input.back().name = "second";
  auto rt = make_runtime();
  const std::string msg = error_of<ConfigError>([&] { rt->prepare_model(ts, spec); });
  EXPECT_HAS(msg, "fashion-mnist-cnn.ts");
  EXPECT_HAS(msg, "takes 1 inputs");
}

TEST(PyTorchRuntimeOrder, CallsOutOfOrderAreBackendErrors) {
  auto rt = make_runtime();
  std::vector<TensorView> none;
  EXPECT_HAS(error_of<BackendError>([&] { rt->load_input(none); }), "before prepare_model");
  EXPECT_HAS(error_of<BackendError>([&] { rt->run(); }), "before load_input");
  EXPECT_HAS(error_of<BackendError>([&] { rt->extract_output(); }), "before run");
}

// ---- parameters and registry ------------------------------------------------

TEST(PyTorchRuntimeParams, NumThreadsHasOpenCVRuntimesLimits) {
  EXPECT_HAS(error_of<ConfigError>([] { make_runtime({{"num_threads", -2}}); }), "num_threads");
  EXPECT_HAS(error_of<ConfigError>([] { make_runtime({{"num_threads", 257}}); }), "num_threads");
  EXPECT_HAS(error_of<ConfigError>([] { make_runtime({{"device", "cuda"}}); }), "device");
  PyTorchRuntime::Params p;
  p.num_threads = -5;
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchRuntime rt(p); }), "num_threads");
}

TEST(PyTorchRuntimeRegistry, RegisteredUnderShortAndDottedName) {
  Registry<Runtime> registry{"runtime", "runtimes"};
  register_runtimes(registry);
  const auto& info = registry.find("kenning.runtimes.pytorch.PyTorchRuntime");
  EXPECT_EQ(info.name, "PyTorchRuntime");
  EXPECT_TRUE(info.available);
  auto rt = registry.create("PyTorchRuntime", {{"num_threads", 2}}, "test");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->type_name(), "PyTorchRuntime");
  EXPECT_EQ(rt->parameters().at("num_threads"), 2);
  EXPECT_EQ(rt->input_formats(), std::vector<std::string>{"torchscript"});
  EXPECT_EQ(rt->framework(), "libtorch");
  EXPECT_FALSE(rt->framework_version().empty());
}

}  // namespace
}  // namespace kenning
