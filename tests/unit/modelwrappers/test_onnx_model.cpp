// ONNXModel and ONNXImageClassifier: I/O spec from the graph or sidecar,
// pass-through and image pre/post-processing (layout, normalisation,
// softmax, class names), and the errors for inputs and files that don't fit.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "onnx/onnx_graph_builder.h"
#include "modelwrappers/onnx_image_classifier.h"
#include "modelwrappers/onnx_model.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

const fs::path kProjectModel = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx";

// A tiny NHWC "classifier": x float32 [-1, 2, 2, 3] -> Flatten -> [-1, 12].
fs::path write_nhwc_model(const fs::path& dir) {
  OnnxGraphBuilder b("nhwc");
  b.add_input("x", DType::Float32, {-1, 2, 2, 3});
  b.add_node("Flatten", {"x"}, {"scores"}, {{"axis", std::int64_t{1}}});
  b.add_output("scores", DType::Float32, {-1, 12});
  const fs::path path = dir / "nhwc.onnx";
  b.save(path);
  return path;
}

ONNXImageClassifier::Params classifier_params(const fs::path& model) {
  ONNXImageClassifier::Params p;
  p.model_path = model;
  return p;
}

void write_lines(const fs::path& path, int count) {
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) out << "label " << i << "\n";
}

Batch batch_of(Tensor t) {
  Batch b;
  b.size = static_cast<std::size_t>(t.shape()[0]);
  b.inputs.push_back(std::move(t));
  return b;
}

}  // namespace

TEST(ONNXModel, SpecFromTheGraphAndPassThrough) {
  TempDir dir;
  fs::copy_file(kProjectModel, dir.path() / "bare.onnx");  // no sidecar
  ONNXModel model({dir.path() / "bare.onnx"});
  EXPECT_EQ(model.model_format(), "onnx");
  EXPECT_EQ(model.framework(), "onnx");
  EXPECT_NE(model.framework_version().find("opset 13"), std::string::npos) << model.framework_version();
  EXPECT_FALSE(model.outputs_predictions());
  const IOSpec spec = model.io_spec();
  ASSERT_EQ(spec.input.size(), 1u);
  EXPECT_EQ(spec.input[0].shape, (Shape{-1, 1, 28, 28}));
  ASSERT_EQ(model.preprocess_input_spec().size(), 1u);
  EXPECT_EQ(model.preprocess_input_spec()[0].shape, (Shape{-1, 1, 28, 28}));

  Tensor images(DType::Float32, {2, 1, 28, 28});
  images.data<float>()[5] = 0.25f;
  const auto inputs = model.preprocess(batch_of(std::move(images)));
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].data<float>()[5], 0.25f);
  std::vector<Tensor> outputs;
  outputs.push_back(Tensor(DType::Float32, {2, 10}));
  outputs[0].data<float>()[3] = -7.f;
  const auto passed = model.postprocess(std::move(outputs));
  EXPECT_EQ(passed[0].data<float>()[3], -7.f);  // no softmax
}

TEST(ONNXModel, RefusesInputsOutsideTheSpec) {
  ONNXModel model({kProjectModel});
  auto msg = error_of<ConfigError>([&] { model.preprocess(batch_of(Tensor(DType::Float32, {2, 28, 28}))); });
  EXPECT_HAS(msg, "ONNXModel.preprocess: input 'input': expected shape [-1, 1, 28, 28]");
  EXPECT_HAS(msg, "got [2, 28, 28]");
  EXPECT_HAS(msg, "random_tensors");
  msg = error_of<ConfigError>([&] { model.preprocess(batch_of(Tensor(DType::Int64, {2, 1, 28, 28}))); });
  EXPECT_HAS(msg, "expected dtype float32, got int64");
  Batch two = batch_of(Tensor(DType::Float32, {1, 1, 28, 28}));
  two.inputs.push_back(Tensor(DType::Float32, {1, 1, 28, 28}));
  msg = error_of<ConfigError>([&] { model.preprocess(two); });
  EXPECT_HAS(msg, "model expects 1 input(s), got 2");
}

TEST(ONNXModel, NoFrameworkNoTrainingNoNativeInference) {
  ONNXModel model({kProjectModel});
  const auto dataset = registries().datasets.create("random_tensors", {{"input_shapes", {"1x28x28"}}}, "test");
  auto msg = error_of<NotSupported>([&] { model.train(*dataset); });
  EXPECT_HAS(msg, "ONNXModel cannot train");
  Tensor t(DType::Float32, {1, 1, 28, 28});
  const TensorView v = t.view();
  msg = error_of<NotSupported>([&] { model.run_inference(std::span<const TensorView>(&v, 1)); });
  EXPECT_HAS(msg, "cannot run inference natively");
  EXPECT_HAS(msg, "runtime");
}

TEST(ONNXModel, BadModelFiles) {
  TempDir dir;
  auto msg = error_of<IoError>([&] { ONNXModel({dir.path() / "missing.onnx"}); });
  EXPECT_HAS(msg, "ONNXModel: model_path: " + (dir.path() / "missing.onnx").string() + ": no such model file");
  std::ofstream(dir.path() / "junk.onnx") << "not a protobuf";
  msg = error_of<IoError>([&] { ONNXModel({dir.path() / "junk.onnx"}); });
  EXPECT_HAS(msg, "junk.onnx");
  msg = error_of<ConfigError>([&] { ONNXModel({dir.path() / "model.tflite"}); });
  EXPECT_HAS(msg, "model_path: expected an .onnx file");
}

TEST(ONNXModel, RegisteredUnderClassAndModuleNames) {
  const auto& reg = registries();
  EXPECT_EQ(reg.model_wrappers.find("onnx_model").name, "ONNXModel");
  EXPECT_EQ(reg.model_wrappers.find("onnx_image_classifier").name, "ONNXImageClassifier");
  EXPECT_EQ(reg.model_wrappers.find("kenning.modelwrappers.onnx_model.ONNXModel").name, "ONNXModel");
  EXPECT_EQ(reg.datasets.find("random_tensors").name, "RandomTensorDataset");
  EXPECT_EQ(reg.runtimes.find("onnx_exec").name, "ONNXExecRuntime");
  const auto w =
      reg.model_wrappers.create("onnx_model", {{"model_path", kProjectModel.string()}}, "s.json: model_wrapper");
  EXPECT_EQ(w->type_name(), "ONNXModel");
  const auto msg =
      error_of<ConfigError>([&] { reg.model_wrappers.create("onnx_model", json::object(), "s.json: model_wrapper"); });
  EXPECT_HAS(msg, "model_path");
}

TEST(ONNXImageClassifier, NhwcLayoutAndPerChannelNormalisation) {
  TempDir dir;
  const fs::path model = write_nhwc_model(dir.path());
  ONNXImageClassifier::Params p;
  p.model_path = model;
  p.input_layout = ImageLayout::NHWC;
  p.mean = {0.5, 1.0, 2.0};
  p.std = {0.5, 2.0, 4.0};
  ONNXImageClassifier clf(p);
  EXPECT_EQ(clf.channels(), 3);
  ASSERT_EQ(clf.preprocess_input_spec().size(), 1u);
  EXPECT_EQ(clf.preprocess_input_spec()[0].shape, (Shape{-1, 3, 2, 2}));  // the dataset's NCHW
  ASSERT_EQ(clf.class_names().size(), 12u);
  EXPECT_EQ(clf.class_names()[11], "class_11");
  EXPECT_EQ(clf.io_spec().output[0].class_name.size(), 12u);

  // Dataset images NCHW [1, 3, 2, 2]: value = 10 * channel + pixel.
  Tensor images(DType::Float32, {1, 3, 2, 2});
  auto in = images.data<float>();
  for (int c = 0; c < 3; ++c)
    for (int px = 0; px < 4; ++px) in[c * 4 + px] = static_cast<float>(10 * c + px);
  const auto out = clf.preprocess(batch_of(std::move(images)));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{1, 2, 2, 3}));
  const double mean[] = {0.5, 1.0, 2.0}, stdv[] = {0.5, 2.0, 4.0};
  const auto v = out[0].data<float>();
  for (int px = 0; px < 4; ++px) {
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(v[px * 3 + c], (10.0 * c + px - mean[c]) / stdv[c], 1e-5) << "pixel " << px << " channel " << c;
    }
  }
}

TEST(ONNXImageClassifier, NchwGrayscaleSoftmaxAndLabels) {
  TempDir dir;
  write_lines(dir.path() / "labels.txt", 10);
  ONNXImageClassifier::Params p;
  p.model_path = kProjectModel;
  p.mean = {0.5};
  p.std = {0.25};
  p.class_names_path = dir.path() / "labels.txt";
  ONNXImageClassifier clf(p);
  EXPECT_TRUE(clf.outputs_predictions());
  EXPECT_EQ(clf.class_names()[9], "label 9");
  EXPECT_EQ(clf.io_spec().output[0].class_name[0], "label 0");

  Tensor gray(DType::Float32, {2, 28, 28});  // [n, H, W] grayscale
  gray.data<float>()[28 * 28 + 1] = 1.0f;
  const auto out = clf.preprocess(batch_of(std::move(gray)));
  EXPECT_EQ(out[0].shape(), (Shape{2, 1, 28, 28}));
  EXPECT_FLOAT_EQ(out[0].data<float>()[0], -2.0f);           // (0 - 0.5) / 0.25
  EXPECT_FLOAT_EQ(out[0].data<float>()[28 * 28 + 1], 2.0f);  // (1 - 0.5) / 0.25

  std::vector<Tensor> logits;
  logits.push_back(Tensor(DType::Float32, {1, 10}));
  logits[0].data<float>()[2] = std::log(3.0f);
  auto probs = clf.postprocess(std::move(logits));
  ASSERT_EQ(probs[0].shape(), (Shape{1, 10}));
  EXPECT_NEAR(probs[0].data<float>()[2], 3.0 / 12.0, 1e-6);
  EXPECT_NEAR(probs[0].data<float>()[0], 1.0 / 12.0, 1e-6);

  p.apply_softmax = false;
  ONNXImageClassifier raw(p);
  std::vector<Tensor> already;
  already.push_back(Tensor(DType::Float32, {1, 10}));
  already[0].data<float>()[4] = 0.75f;
  EXPECT_EQ(raw.postprocess(std::move(already))[0].data<float>()[4], 0.75f);
}

TEST(ONNXImageClassifier, ImagesThatDoNotFitNameBothShapes) {
  ONNXImageClassifier clf(classifier_params(kProjectModel));
  auto msg = error_of<ConfigError>([&] { clf.preprocess(batch_of(Tensor(DType::Float32, {4, 3, 32, 32}))); });
  EXPECT_HAS(msg, "images [4, 3, 32, 32] do not fit model input 'input' [-1, 1, 28, 28] (NCHW)");
  EXPECT_HAS(msg, "expected [n, 1, 28, 28]");
  msg = error_of<ConfigError>([&] { clf.preprocess(batch_of(Tensor(DType::UInt8, {4, 1, 28, 28}))); });
  EXPECT_HAS(msg, "expected float32 images, got uint8");
  std::vector<Tensor> wrong;
  wrong.push_back(Tensor(DType::Float32, {1, 7}));
  msg = error_of<ConfigError>([&] { clf.postprocess(std::move(wrong)); });
  EXPECT_HAS(msg, "has 7 scores per sample, the class names list 10");
}

TEST(ONNXImageClassifier, BadParametersNameTheKeyOrFile) {
  TempDir dir;
  const fs::path nhwc = write_nhwc_model(dir.path());
  ONNXImageClassifier::Params p;
  p.model_path = nhwc;
  p.input_layout = ImageLayout::NHWC;
  p.mean = {0.1, 0.2};
  auto msg = error_of<ConfigError>([&] { ONNXImageClassifier{p}; });
  EXPECT_HAS(msg, "ONNXImageClassifier: mean: expected 1 value or one per channel (3 for model input 'x'");
  EXPECT_HAS(msg, "got 2");
  p.mean = {0.0};
  p.std = {1.0, 0.0, 1.0};
  msg = error_of<ConfigError>([&] { ONNXImageClassifier{p}; });
  EXPECT_HAS(msg, "std: expected finite values > 0");
  p.std = {1.0};
  p.input_layout = static_cast<ImageLayout>(5);
  msg = error_of<ConfigError>([&] { ONNXImageClassifier{p}; });
  EXPECT_HAS(msg, "ONNXImageClassifier.input_layout: expected one of: NCHW, NHWC, got 5 (integer)");
  p.input_layout = ImageLayout::NHWC;
  write_lines(dir.path() / "nine.txt", 9);
  p.class_names_path = dir.path() / "nine.txt";
  msg = error_of<ConfigError>([&] { ONNXImageClassifier{p}; });
  EXPECT_HAS(msg, "class_names_path: " + (dir.path() / "nine.txt").string() + " lists 9 classes");
  EXPECT_HAS(msg, "model output 'scores' [-1, 12] has 12");
  p.class_names_path = dir.path() / "none.txt";
  msg = error_of<IoError>([&] { ONNXImageClassifier{p}; });
  EXPECT_HAS(msg, "class_names_path: " + (dir.path() / "none.txt").string() + ": no such file");

  // The schema refuses an unknown layout before construction, naming the key.
  msg = error_of<ConfigError>([&] {
    registries().model_wrappers.create("ONNXImageClassifier",
                                       {{"model_path", kProjectModel.string()}, {"input_layout", "HWC"}},
                                       "s.json: model_wrapper");
  });
  EXPECT_HAS(msg, "s.json: model_wrapper.parameters.input_layout");
  EXPECT_HAS(msg, "NCHW");
}

TEST(ONNXImageClassifier, ModelThatIsNotAnImageClassifier) {
  TempDir dir;
  OnnxGraphBuilder b("vec");
  b.add_input("v", DType::Float32, {-1, 16});
  b.add_node("Relu", {"v"}, {"y"});
  b.add_output("y", DType::Float32, {-1, 16});
  b.save(dir.path() / "vec.onnx");
  const auto msg = error_of<ConfigError>([&] { ONNXImageClassifier(classifier_params(dir.path() / "vec.onnx")); });
  EXPECT_HAS(msg, "vec.onnx: expected one float32 image input of rank 4 (NCHW), the model has 'v' float32 [-1, 16]");
}
