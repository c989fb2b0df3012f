// ONNX graph builder and PyTorchFashionMNISTCNN's ONNX export. The builder is
// checked on its own (structure, errors, and OpenCV computing a hand checked
// graph); with libtorch, the exported CNN must compute what libtorch
// computes, through OpenCV's importer (the exporter itself is tested in
// tests/unit/nets/).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "test_support.h"
#include "modelwrappers/fashion_mnist_cnn.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "nets/net_torch_train.h"
#include "nets/net_zoo.h"
#include "onnx/onnx_graph_builder.h"

#if KENNING_WITH_OPENCV
#include <opencv2/dnn.hpp>
#endif

namespace kenning {
namespace {

using testing::error_of;
using testing::TempDir;

namespace fs = std::filesystem;

std::vector<float> random_values(std::size_t n, std::uint64_t seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<std::string> dims_of(const onnx::ValueInfoProto& info) {
  std::vector<std::string> out;
  for (const auto& d : info.type().tensor_type().shape().dim()) {
    out.push_back(d.has_dim_param() ? d.dim_param() : std::to_string(d.dim_value()));
  }
  return out;
}

// y = relu(x W^T + b), x [batch, 4], W [3, 4].
struct TinyGraph {
  std::vector<float> w = random_values(12, 11);
  std::vector<float> b = random_values(3, 12);

  OnnxGraphBuilder build() const {
    OnnxGraphBuilder g("tiny");
    g.add_input("x", DType::Float32, {-1, 4});
    g.add_initializer("w", w, {3, 4});
    g.add_initializer("b", b, {3});
    g.add_node("Gemm", {"x", "w", "b"}, {"h"}, {{"transB", std::int64_t{1}}, {"alpha", 1.0f}});
    g.add_node("Relu", {"h"}, {"y"});
    g.add_output("y", DType::Float32, {-1, 3});
    return g;
  }
  std::vector<float> expected(const std::vector<float>& x, int batch) const {
    std::vector<float> y(static_cast<std::size_t>(batch) * 3);
    for (int n = 0; n < batch; ++n) {
      for (int o = 0; o < 3; ++o) {
        float acc = b[o];
        for (int i = 0; i < 4; ++i) acc += x[n * 4 + i] * w[o * 4 + i];
        y[n * 3 + o] = std::max(acc, 0.f);
      }
    }
    return y;
  }
};

TEST(OnnxGraphBuilder, SavesACheckedModelWithSymbolicBatchAndInferredShapes) {
  TempDir dir;
  const fs::path path = dir.path() / "tiny.onnx";
  TinyGraph tiny;
  OnnxGraphBuilder g = tiny.build();
  g.save(path);
  ASSERT_TRUE(fs::exists(path));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "tiny.onnx") << "temporary file left behind";
  }

  const onnx::ModelProto m = load_onnx_model(path);
  EXPECT_EQ(m.producer_name(), "kenning-cpp");
  EXPECT_EQ(m.producer_version(), KENNING_VERSION);
  ASSERT_EQ(m.opset_import_size(), 1);
  EXPECT_EQ(m.opset_import(0).version(), 13);
  ASSERT_EQ(m.graph().input_size(), 1);
  EXPECT_EQ(dims_of(m.graph().input(0)), (std::vector<std::string>{"batch", "4"}));
  EXPECT_EQ(m.graph().initializer_size(), 2);
  ASSERT_EQ(m.graph().node_size(), 2);
  EXPECT_EQ(m.graph().node(0).op_type(), "Gemm");
  EXPECT_EQ(m.graph().node(0).name(), "Gemm_0");
  // Shape inference recorded the intermediate tensor.
  ASSERT_EQ(m.graph().value_info_size(), 1);
  EXPECT_EQ(m.graph().value_info(0).name(), "h");
  EXPECT_EQ(dims_of(m.graph().value_info(0)), (std::vector<std::string>{"batch", "3"}));
}

TEST(OnnxGraphBuilder, InvalidGraphIsBackendErrorNamingThePath) {
  TempDir dir;
  const fs::path path = dir.path() / "broken.onnx";
  OnnxGraphBuilder g("broken");
  g.add_input("x", DType::Float32, {-1, 4});
  g.add_node("Relu", {"missing"}, {"y"});
  g.add_output("y", DType::Float32, {-1, 4});
  const std::string msg = error_of<BackendError>([&] { g.save(path); });
  EXPECT_HAS(msg, "broken.onnx");
  EXPECT_HAS(msg, "missing");
  EXPECT_FALSE(fs::exists(path));
}

TEST(OnnxGraphBuilder, ShapeMismatchIsCaughtByShapeInference) {
  TempDir dir;
  OnnxGraphBuilder g("mismatch");
  g.add_input("x", DType::Float32, {-1, 4});
  const std::vector<float> w(12, 0.5f);
  g.add_initializer("w", w, {3, 4});
  g.add_node("MatMul", {"x", "w"}, {"y"});  // [batch, 4] x [3, 4] cannot multiply
  g.add_output("y", DType::Float32, {-1, 3});
  EXPECT_HAS(error_of<BackendError>([&] { g.save(dir.path() / "m.onnx"); }), "m.onnx");
}

TEST(OnnxGraphBuilder, BadInitializerIsBackendError) {
  OnnxGraphBuilder g("init");
  const std::vector<float> five(5, 1.f);
  EXPECT_HAS(error_of<BackendError>([&] { g.add_initializer("w", five, {2, 3}); }), "'w'");
  g.add_initializer("v", five, {5});
  EXPECT_HAS(error_of<BackendError>([&] { g.add_initializer("v", five, {5}); }), "twice");
  const std::vector<std::int64_t> shape = {1, 784};
  g.add_initializer("shape", shape, {2});
  EXPECT_EQ(g.model().graph().initializer_size(), 2);
}

TEST(OnnxGraphBuilder, UnwritableFolderIsIoErrorNamingThePath) {
  TempDir dir;
  TinyGraph tiny;
  OnnxGraphBuilder g = tiny.build();
  const fs::path path = dir.path() / "no-such-folder" / "tiny.onnx";
  EXPECT_HAS(error_of<IoError>([&] { g.save(path); }), path.string());
}

TEST(OnnxGraphBuilder, LoadingMissingOrGarbageFilesIsIoError) {
  TempDir dir;
  EXPECT_HAS(error_of<IoError>([&] { load_onnx_model(dir.path() / "none.onnx"); }), "none.onnx");
  std::ofstream(dir.path() / "junk.onnx") << "\xff\xff\xff\xff this is not protobuf";
  EXPECT_HAS(error_of<IoError>([&] { load_onnx_model(dir.path() / "junk.onnx"); }), "junk.onnx");
}

#if KENNING_WITH_OPENCV
std::vector<float> run_opencv(const fs::path& model, const std::vector<float>& input, const std::vector<int>& dims) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(model.string());
  cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, const_cast<float*>(input.data()));
  net.setInput(blob);
  cv::Mat out = net.forward();
  EXPECT_TRUE(out.isContinuous());
  return std::vector<float>(out.ptr<float>(), out.ptr<float>() + out.total());
}

TEST(OnnxGraphBuilder, OpenCVComputesTheBuiltGraph) {
  TempDir dir;
  const fs::path path = dir.path() / "tiny.onnx";
  TinyGraph tiny;
  tiny.build().save(path);
  for (int batch : {1, 5}) {
    const std::vector<float> x = random_values(static_cast<std::size_t>(batch) * 4, 13 + batch);
    const std::vector<float> got = run_opencv(path, x, {batch, 4});
    const std::vector<float> want = tiny.expected(x, batch);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << i;
  }
}
#endif

#if KENNING_WITH_TORCH
PyTorchFashionMNISTCNN::Params wrapper_params(const fs::path& model) {
  return PyTorchFashionMNISTCNN::schema().parse({{"model_path", model.string()}, {"num_threads", 2}},
                                                "test.json: model_wrapper");
}

TEST(FashionMNISTCNNExport, SavesModelAndSidecarThatRoundTrip) {
  TempDir dir;
  const fs::path model = dir.path() / "cnn.onnx";
  net_torch::save_initial_weights(fashion_mnist_cnn_graph(), dir.path() / "cnn.pt", 7);
  PyTorchFashionMNISTCNN w(wrapper_params(model));
  w.save_to_onnx(model);

  const onnx::ModelProto m = load_onnx_model(model);
  EXPECT_EQ(m.producer_name(), "kenning-cpp");
  EXPECT_EQ(m.opset_import(0).version(), 13);
  ASSERT_EQ(m.graph().input_size(), 1);
  EXPECT_EQ(m.graph().input(0).name(), "input");
  EXPECT_EQ(dims_of(m.graph().input(0)), (std::vector<std::string>{"batch", "1", "28", "28"}));
  ASSERT_EQ(m.graph().output_size(), 1);
  EXPECT_EQ(m.graph().output(0).name(), "output");
  EXPECT_EQ(m.graph().initializer_size(), 8);  // weight + bias of 2 convs and 2 linears

  ASSERT_TRUE(fs::exists(io_spec_path(model)));
  const IOSpec loaded = load_io_spec(model);
  EXPECT_EQ(loaded.to_json(), PyTorchFashionMNISTCNN::definition_io_spec().to_json());
  EXPECT_EQ(w.io_spec().to_json(), loaded.to_json());
}

TEST(FashionMNISTCNNExport, SameSeedGivesSameWeights) {
  TempDir dir;
  net_torch::save_initial_weights(fashion_mnist_cnn_graph(), dir.path() / "a.pt", 3);
  net_torch::save_initial_weights(fashion_mnist_cnn_graph(), dir.path() / "b.pt", 3);
  net_torch::save_initial_weights(fashion_mnist_cnn_graph(), dir.path() / "c.pt", 4);
  PyTorchFashionMNISTCNN a(wrapper_params(dir.path() / "a.onnx"));
  PyTorchFashionMNISTCNN b(wrapper_params(dir.path() / "b.onnx"));
  PyTorchFashionMNISTCNN c(wrapper_params(dir.path() / "c.onnx"));
  for (auto* w : {&a, &b, &c}) w->save_to_onnx(w->onnx_path());
  const auto initializers = [](const fs::path& p) {
    const onnx::ModelProto m = load_onnx_model(p);  // kept alive for the loop
    std::string all;
    for (const auto& t : m.graph().initializer()) all += t.raw_data();
    return all;
  };
  EXPECT_EQ(initializers(dir.path() / "a.onnx"), initializers(dir.path() / "b.onnx"));
  EXPECT_NE(initializers(dir.path() / "a.onnx"), initializers(dir.path() / "c.onnx"));
}

#if KENNING_WITH_OPENCV
TEST(FashionMNISTCNNExport, OpenCVMatchesLibtorchOnRandomInputs) {
  TempDir dir;
  const fs::path model = dir.path() / "cnn.onnx";
  net_torch::save_initial_weights(fashion_mnist_cnn_graph(), dir.path() / "cnn.pt", 21);
  PyTorchFashionMNISTCNN w(wrapper_params(model));
  w.save_to_onnx(model);

  for (int batch : {1, 4}) {
    const std::vector<float> x = random_values(static_cast<std::size_t>(batch) * 784, 100 + batch, 0.f, 1.f);
    const Tensor input = Tensor::from<float>({batch, 1, 28, 28}, x);
    const TensorView view = input.view();
    const std::vector<Tensor> torch_out = w.run_inference(std::span(&view, 1));
    ASSERT_EQ(torch_out.size(), 1u);
    ASSERT_EQ(torch_out[0].shape(), (Shape{batch, 10}));
    const auto t = torch_out[0].data<float>();
    const std::vector<float> cv_out = run_opencv(model, x, {batch, 1, 28, 28});
    ASSERT_EQ(cv_out.size(), t.size());
    double max_diff = 0, max_abs = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      max_diff = std::max(max_diff, static_cast<double>(std::fabs(cv_out[i] - t[i])));
      max_abs = std::max(max_abs, static_cast<double>(std::fabs(t[i])));
    }
    EXPECT_LE(max_diff, 1e-4) << "batch " << batch;
    // Not a vacuous match: the logits are not all (near) zero.
    EXPECT_GT(max_abs, 1e-3) << "batch " << batch;
  }
  // Samples of a batch get their own logits (the batch dimension is real).
  const std::vector<float> x = random_values(2 * 784, 5, 0.f, 1.f);
  const std::vector<float> two = run_opencv(model, x, {2, 1, 28, 28});
  EXPECT_FALSE(std::equal(two.begin(), two.begin() + 10, two.begin() + 10));
}
#endif  // KENNING_WITH_OPENCV
#endif  // KENNING_WITH_TORCH

}  // namespace
}  // namespace kenning
