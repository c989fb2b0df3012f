// PyTorchFashionMNISTCNN without libtorch: parameters, I/O spec, pre- and
// post-processing, registration; plus what train / export / inference do
// when their inputs are missing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "modelwrappers/fashion_mnist_cnn.h"
#include "test_support.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/registries.h"

namespace kenning {
namespace {

using testing::error_of;
using testing::TempDir;

namespace fs = std::filesystem;
using nlohmann::json;

PyTorchFashionMNISTCNN::Params params_for(const fs::path& model) {
  return PyTorchFashionMNISTCNN::schema().parse({{"model_path", model.string()}}, "test.json: model_wrapper");
}

Tensor random_tensor(Shape shape, std::uint64_t seed, float lo, float hi) {
  Tensor t(DType::Float32, std::move(shape));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (float& v : t.data<float>()) v = dist(rng);
  return t;
}

Batch batch_of(Tensor input) {
  Batch b;
  b.size = static_cast<std::size_t>(input.shape().at(0));
  b.inputs.push_back(std::move(input));
  return b;
}

// A dataset of `n` constant samples whose shape, labels and class count a
// test chooses, to see what training does with data that does not fit.
class FakeDataset : public Dataset {
 public:
  FakeDataset(std::size_t classes, Shape sample, std::int64_t label)
      : classes_(classes), sample_(std::move(sample)), label_(label) {}
  void prepare() override {}
  std::size_t size(Split) const override { return 8; }
  Batch gather(Split, std::span<const std::size_t> indices) const override {
    Shape shape = sample_;
    shape.insert(shape.begin(), static_cast<std::int64_t>(indices.size()));
    Batch b;
    b.size = indices.size();
    b.inputs.emplace_back(DType::Float32, shape);
    std::vector<std::int64_t> labels(indices.size(), label_);
    b.targets.push_back(Tensor::from<std::int64_t>({static_cast<std::int64_t>(indices.size())}, labels));
    return b;
  }
  std::size_t inference_batch_size() const override { return 1; }
  std::vector<std::string> class_names() const override { return std::vector<std::string>(classes_, "c"); }
  std::vector<TensorSpec> sample_spec() const override { return {}; }
  void evaluate(std::span<const Tensor>, const Batch&, Measurements&) const override {}

 private:
  std::size_t classes_;
  Shape sample_;
  std::int64_t label_;
};

TEST(FashionMNISTCNNParams, MissingModelPathIsConfigErrorNamingIt) {
  const std::string msg =
      error_of<ConfigError>([] { PyTorchFashionMNISTCNN::schema().parse(json::object(), "s.json: model_wrapper"); });
  EXPECT_HAS(msg, "model_path");
  EXPECT_HAS(msg, "s.json: model_wrapper");
}

TEST(FashionMNISTCNNParams, ZeroLearningRateIsRejected) {
  const std::string msg = error_of<ConfigError>([] {
    PyTorchFashionMNISTCNN::schema().parse({{"model_path", "m.onnx"}, {"learning_rate", 0.0}}, "s.json: model_wrapper");
  });
  EXPECT_HAS(msg, "learning_rate");
  // Direct construction (not through the schema) is guarded too.
  PyTorchFashionMNISTCNN::Params p;
  p.model_path = "m.onnx";
  p.learning_rate = 0;
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchFashionMNISTCNN w(p); }), "learning_rate");
}

TEST(FashionMNISTCNNParams, OtherLimitsAreRejected) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
           {"batch_size", 0}, {"num_epochs", 0}, {"num_threads", -1}, {"learning_rate", -0.1}}) {
    const std::string msg = error_of<ConfigError>([&] {
      PyTorchFashionMNISTCNN::schema().parse({{"model_path", "m.onnx"}, {key, value}}, "s.json");
    });
    EXPECT_HAS(msg, key);
  }
  PyTorchFashionMNISTCNN::Params p;  // model_path left empty
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchFashionMNISTCNN w(p); }), "model_path");
}

TEST(FashionMNISTCNNParams, DefaultsAreFilledIn) {
  const auto p = params_for("models/cnn.onnx");
  EXPECT_EQ(p.model_path, fs::path("models/cnn.onnx"));
  EXPECT_EQ(p.batch_size, 64);
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.001);
  EXPECT_GE(p.num_epochs, 1);
  EXPECT_TRUE(p.logdir.empty());
  EXPECT_EQ(p.seed, 42);
  EXPECT_EQ(p.num_threads, 0);
}

TEST(FashionMNISTCNN, DescribesItself) {
  PyTorchFashionMNISTCNN w(params_for("models/cnn.onnx"));
  EXPECT_EQ(w.model_path(), fs::path("models/cnn.onnx"));
  EXPECT_EQ(w.model_format(), "onnx");
  EXPECT_EQ(w.weights_path(), fs::path("models/cnn.pt"));
  EXPECT_EQ(w.onnx_path(), fs::path("models/cnn.onnx"));
  EXPECT_EQ(w.framework(), "torch");
  EXPECT_EQ(w.output_formats(), (std::vector<std::string>{"onnx", "torch"}));
#if KENNING_WITH_TORCH
  EXPECT_EQ(w.framework_version().rfind("1.", 0), 0u) << w.framework_version();
#else
  EXPECT_EQ(w.framework_version(), "n/a");
#endif
  // Naming the .pt leads to the same pair of files.
  PyTorchFashionMNISTCNN pt(params_for("models/cnn.pt"));
  EXPECT_EQ(pt.model_format(), "torch");
  EXPECT_EQ(pt.weights_path(), fs::path("models/cnn.pt"));
  EXPECT_EQ(pt.onnx_path(), fs::path("models/cnn.onnx"));
}

TEST(FashionMNISTCNN, IoSpecFromDefinitionWithoutSidecar) {
  TempDir dir;
  PyTorchFashionMNISTCNN w(params_for(dir.path() / "cnn.onnx"));
  const IOSpec spec = w.io_spec();
  ASSERT_EQ(spec.input.size(), 1u);
  EXPECT_EQ(spec.input[0].name, "input");
  EXPECT_EQ(spec.input[0].shape, (Shape{-1, 1, 28, 28}));
  EXPECT_EQ(spec.input[0].dtype, DType::Float32);
  ASSERT_EQ(spec.output.size(), 1u);
  EXPECT_EQ(spec.output[0].name, "output");
  EXPECT_EQ(spec.output[0].shape, (Shape{-1, 10}));
  ASSERT_EQ(spec.output[0].class_name.size(), 10u);
  EXPECT_EQ(spec.output[0].class_name.front(), "T-shirt/top");
  EXPECT_EQ(spec.output[0].class_name.back(), "Ankle boot");
}

TEST(FashionMNISTCNN, IoSpecFromSidecarWhenPresent) {
  TempDir dir;
  const fs::path model = dir.path() / "cnn.onnx";
  IOSpec custom = PyTorchFashionMNISTCNN::definition_io_spec();
  custom.input[0].name = "pixels";
  custom.input[0].mean = {0.5};
  save_io_spec(custom, model);
  PyTorchFashionMNISTCNN w(params_for(model));
  const IOSpec spec = w.io_spec();
  EXPECT_EQ(spec.input.at(0).name, "pixels");
  EXPECT_EQ(spec.to_json(), custom.to_json());
}

TEST(FashionMNISTCNN, MalformedSidecarIsIoError) {
  TempDir dir;
  const fs::path model = dir.path() / "cnn.onnx";
  std::ofstream(io_spec_path(model)) << "{ not json";
  PyTorchFashionMNISTCNN w(params_for(model));
  EXPECT_HAS(error_of<IoError>([&] { w.io_spec(); }), "cnn.onnx.json");
}

TEST(FashionMNISTCNN, PostprocessIsSoftmaxPreservingArgmax) {
  PyTorchFashionMNISTCNN w(params_for("cnn.onnx"));
  // Large magnitudes check that the softmax does not overflow.
  Tensor logits = random_tensor({6, 10}, 3, -30.f, 30.f);
  logits.data<float>()[5 * 10 + 4] = 1000.f;
  logits.data<float>()[5 * 10 + 7] = 999.f;
  const Tensor original = logits.clone();
  std::vector<Tensor> in;
  in.push_back(std::move(logits));
  const std::vector<Tensor> out = w.postprocess(std::move(in));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape(), (Shape{6, 10}));
  ASSERT_EQ(out[0].dtype(), DType::Float32);
  const auto p = out[0].data<float>();
  const auto l = original.data<float>();
  for (int row = 0; row < 6; ++row) {
    double sum = 0;
    int argmax_p = 0, argmax_l = 0;
    for (int c = 0; c < 10; ++c) {
      const float v = p[row * 10 + c];
      ASSERT_TRUE(std::isfinite(v));
      EXPECT_GE(v, 0.f);
      sum += v;
      if (v > p[row * 10 + argmax_p]) argmax_p = c;
      if (l[row * 10 + c] > l[row * 10 + argmax_l]) argmax_l = c;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << row;
    EXPECT_EQ(argmax_p, argmax_l) << "row " << row;
  }
  // exp(1000 - 999) / (1 + e) for the two huge logits of the last row.
  EXPECT_NEAR(p[5 * 10 + 4], std::exp(1.0) / (1.0 + std::exp(1.0)), 1e-5);
  // Softmax of a row: ratios follow exp of the logit differences.
  EXPECT_NEAR(std::log(p[1] / p[2]), l[1] - l[2], 1e-3);
}

TEST(FashionMNISTCNN, PostprocessRejectsWrongOutputs) {
  PyTorchFashionMNISTCNN w(params_for("cnn.onnx"));
  std::vector<Tensor> nine;
  nine.emplace_back(DType::Float32, Shape{2, 9});
  EXPECT_HAS(error_of<ConfigError>([&] { w.postprocess(std::move(nine)); }), "[2, 9]");
  std::vector<Tensor> ints;
  ints.emplace_back(DType::Int64, Shape{2, 10});
  EXPECT_HAS(error_of<ConfigError>([&] { w.postprocess(std::move(ints)); }), "int64");
  EXPECT_HAS(error_of<ConfigError>([&] { w.postprocess({}); }), "postprocess");
}

TEST(FashionMNISTCNN, PreprocessReturnsTheCheckedInput) {
  PyTorchFashionMNISTCNN w(params_for("cnn.onnx"));
  const Batch b = batch_of(random_tensor({3, 1, 28, 28}, 5, 0.f, 1.f));
  const std::vector<Tensor> out = w.preprocess(b);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{3, 1, 28, 28}));
  const auto a = out[0].data<float>();
  const auto e = b.inputs[0].data<float>();
  ASSERT_EQ(a.size(), e.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), e.begin()));
  EXPECT_NE(a.data(), e.data()) << "preprocess must return a copy";
}

TEST(FashionMNISTCNN, PreprocessRejectsWrongShapeAndDtype) {
  PyTorchFashionMNISTCNN w(params_for("cnn.onnx"));
  const std::string shape_msg = error_of<ConfigError>([&] {
    w.preprocess(batch_of(random_tensor({3, 28, 28}, 1, 0.f, 1.f)));
  });
  EXPECT_HAS(shape_msg, "preprocess");
  EXPECT_HAS(shape_msg, "[3, 28, 28]");
  EXPECT_HAS(error_of<ConfigError>([&] {
               w.preprocess(batch_of(random_tensor({2, 1, 28, 27}, 1, 0.f, 1.f)));
             }),
             "[2, 1, 28, 27]");
  EXPECT_HAS(error_of<ConfigError>([&] {
               w.preprocess(batch_of(Tensor(DType::UInt8, {2, 1, 28, 28})));
             }),
             "preprocess");
  EXPECT_HAS(error_of<ConfigError>([&] { w.preprocess(Batch{}); }), "1 input tensor");
}

TEST(FashionMNISTCNN, RunInferenceRejectsWrongShape) {
  PyTorchFashionMNISTCNN w(params_for("cnn.onnx"));
  const Tensor bad = random_tensor({2, 784}, 1, 0.f, 1.f);
  const TensorView view = bad.view();
  EXPECT_HAS(error_of<ConfigError>([&] { w.run_inference(std::span(&view, 1)); }), "[2, 784]");
}

TEST(FashionMNISTCNN, TrainingOnAnotherClassCountIsConfigError) {
  TempDir dir;
  PyTorchFashionMNISTCNN w(params_for(dir.path() / "cnn.onnx"));
  EXPECT_HAS(error_of<ConfigError>([&] { w.train(FakeDataset(3, {1, 28, 28}, 0)); }), "3 classes");
  EXPECT_FALSE(fs::exists(dir.path() / "cnn.pt"));
}

#if KENNING_WITH_TORCH
TEST(FashionMNISTCNN, TrainingOnMisshapenDataIsConfigError) {
  TempDir dir;
  PyTorchFashionMNISTCNN w(params_for(dir.path() / "cnn.onnx"));
  const std::string shape_msg = error_of<ConfigError>([&] { w.train(FakeDataset(10, {784}, 0)); });
  EXPECT_HAS(shape_msg, "train batch");
  EXPECT_HAS(shape_msg, "[8, 784]");
  EXPECT_HAS(error_of<ConfigError>([&] { w.train(FakeDataset(10, {1, 28, 28}, 12)); }), "label 12");
  EXPECT_FALSE(fs::exists(dir.path() / "cnn.pt"));
  EXPECT_FALSE(fs::exists(dir.path() / "cnn.onnx"));
}

TEST(FashionMNISTCNN, MissingWeightsAreIoErrorNamingThePtFile) {
  TempDir dir;
  PyTorchFashionMNISTCNN w(params_for(dir.path() / "cnn.onnx"));
  EXPECT_HAS(error_of<IoError>([&] { w.save_to_onnx(dir.path() / "out.onnx"); }), "cnn.pt");
  EXPECT_FALSE(fs::exists(dir.path() / "out.onnx"));
  const Tensor x = random_tensor({1, 1, 28, 28}, 1, 0.f, 1.f);
  const TensorView view = x.view();
  EXPECT_HAS(error_of<IoError>([&] { w.run_inference(std::span(&view, 1)); }), "cnn.pt");
}

TEST(FashionMNISTCNN, CorruptWeightsAreIoError) {
  TempDir dir;
  std::ofstream(dir.path() / "cnn.pt") << "not a torch archive";
  PyTorchFashionMNISTCNN w(params_for(dir.path() / "cnn.onnx"));
  EXPECT_HAS(error_of<IoError>([&] { w.save_to_onnx(dir.path() / "cnn.onnx"); }), "cnn.pt");
}
#else
TEST(FashionMNISTCNN, TorchPathsAreNotSupportedWithoutTorch) {
  PyTorchFashionMNISTCNN w(params_for("cnn.onnx"));
  EXPECT_HAS(error_of<NotSupported>([&] { w.save_to_onnx("x.onnx"); }), "KENNING_WITH_TORCH");
  EXPECT_HAS(error_of<NotSupported>([&] { w.save_to_torchscript("x.ts"); }), "KENNING_WITH_TORCH");
  const Tensor x = random_tensor({1, 1, 28, 28}, 1, 0.f, 1.f);
  const TensorView view = x.view();
  EXPECT_HAS(error_of<NotSupported>([&] { w.run_inference(std::span(&view, 1)); }), "KENNING_WITH_TORCH");
}
#endif

TEST(FashionMNISTCNNRegistry, CreatedByShortAndDottedName) {
  Registry<ModelWrapper> r("model_wrapper", "modelwrappers");
  register_model_wrappers(r);
  const ClassInfo& info = r.find("kenning.modelwrappers.fashion_mnist_cnn.PyTorchFashionMNISTCNN");
  EXPECT_EQ(info.name, "PyTorchFashionMNISTCNN");
  EXPECT_TRUE(info.available);
  auto w = r.create("PyTorchFashionMNISTCNN", {{"model_path", "m.onnx"}, {"num_epochs", 3}}, "s.json: model_wrapper");
  EXPECT_EQ(w->type_name(), "PyTorchFashionMNISTCNN");
  EXPECT_EQ(w->parameters()["num_epochs"], 3);
  EXPECT_EQ(w->parameters()["batch_size"], 64);
  EXPECT_EQ(w->model_path(), fs::path("m.onnx"));
}

}  // namespace
}  // namespace kenning
