// ONNXInt8Quantizer on the project's Fashion-MNIST CNN, calibrated on the
// real dataset: what the QDQ model contains, how close it stays to the
// float model (outputs and accuracy), integer I/O with its sidecar, and the
// errors for bad calibration sets, models and paths.
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "optimizers/activation_calibration.h"
#include "scenarios/dataset_calibration.h"
#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/core/quantization.h"
#include "kenning/registries.h"
#include "modelwrappers/mobilenet_v2.h"
#include "onnx/onnx_graph_builder.h"
#include "optimizers/onnx_int8_quantizer.h"
#include "optimizers/qdq_rewrite.h"
#include "onnx_exec/tensor_proto.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

const fs::path kCnn = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx";
constexpr const char* kDatasetRoot = "/usr/share/datasets/fashion-mnist";

// The real dataset and the CNN's wrapper, shared by the tests (loading the
// IDX files once).
struct FashionMnist {
  std::unique_ptr<Dataset> dataset;
  std::unique_ptr<ModelWrapper> wrapper;
  FashionMnist() {
    dataset = registries().datasets.create("FashionMNISTDataset", {{"dataset_root", kDatasetRoot}}, "test");
    dataset->prepare();
    wrapper = registries().model_wrappers.create("PyTorchFashionMNISTCNN", {{"model_path", kCnn.string()}}, "test");
  }
};

const FashionMnist& fashion_mnist() {
  static const FashionMnist data;
  return data;
}

// A fixed list of calibration inputs (for the size checks).
class FixedCalibration : public CalibrationData {
 public:
  explicit FixedCalibration(std::size_t n) : n_(n) {}
  std::size_t size() const override { return n_; }
  std::vector<Tensor> inputs(std::size_t, std::size_t count) const override {
    std::vector<Tensor> v;
    v.emplace_back(DType::Float32, Shape{static_cast<std::int64_t>(count), 1, 28, 28});
    return v;
  }
  std::string describe() const override { return "fixed test set"; }

 private:
  std::size_t n_;
};

// The first `n` test images and their labels.
std::pair<at::Tensor, at::Tensor> test_images(std::size_t n) {
  const Batch b = fashion_mnist().dataset->batch(Split::Test, 0, n);
  return {onnx_exec::aten_copy(b.inputs[0].view()), onnx_exec::aten_copy(b.targets[0].view())};
}

at::Tensor run(const fs::path& model, const at::Tensor& input) {
  return onnx_exec::Executor::load(model).run({input}).at(0);
}

double accuracy(const at::Tensor& logits, const at::Tensor& labels) {
  return logits.argmax(1).eq(labels).to(at::kDouble).mean().item<double>();
}

std::map<std::string, int> op_counts(const fs::path& model) {
  std::map<std::string, int> counts;
  const onnx::ModelProto m = load_onnx_model(model);  // outlives the loop
  for (const auto& n : m.graph().node()) ++counts[n.op_type()];
  return counts;
}

ONNXInt8Quantizer::Params params_for(const fs::path& out) {
  ONNXInt8Quantizer::Params p;
  p.compiled_model_path = out;
  p.calibration_samples = 256;
  return p;
}

IOSpec quantize(const ONNXInt8Quantizer::Params& p, const fs::path& in = kCnn) {
  const DatasetCalibration calibration(*fashion_mnist().dataset, *fashion_mnist().wrapper);
  ONNXInt8Quantizer q(p);
  return q.compile(in, load_io_spec(in), &calibration);
}

TEST(OnnxInt8Quantizer, WritesQdqModelWithIntegerWeights) {
  TempDir dir;
  const fs::path out = dir.path() / "int8.onnx";
  quantize(params_for(out));
  ASSERT_TRUE(fs::exists(out));
  ASSERT_TRUE(fs::exists(io_spec_path(out)));
  const auto ops = op_counts(out);
  EXPECT_EQ(ops.at("Conv"), 2);
  EXPECT_EQ(ops.at("Gemm"), 2);
  EXPECT_GT(ops.at("QuantizeLinear"), 4);
  const onnx::ModelProto m = load_onnx_model(out);
  int int8_weights = 0, int32_biases = 0, big_float = 0;
  for (const auto& t : m.graph().initializer()) {
    std::int64_t n = 1;
    for (auto d : t.dims()) n *= d;
    // Weights are 2-D or 4-D; zero points and scales are 1-D or scalars.
    int8_weights += t.data_type() == onnx::TensorProto_DataType_INT8 && t.dims_size() >= 2;
    const bool zero_point = t.name().find("zero_point") != std::string::npos;
    int32_biases += t.data_type() == onnx::TensorProto_DataType_INT32 && !zero_point;
    big_float += t.data_type() == onnx::TensorProto_DataType_FLOAT && n > 128;  // only scales stay float
  }
  EXPECT_EQ(int8_weights, 4);
  EXPECT_EQ(int32_biases, 4);
  EXPECT_EQ(big_float, 0);
  // int8 weights: about a quarter of the float file.
  EXPECT_LE(static_cast<double>(fs::file_size(out)), 0.3 * static_cast<double>(fs::file_size(kCnn)));
}

TEST(OnnxInt8Quantizer, PerChannelKeepsAccuracyWithinOnePoint) {
  TempDir dir;
  const fs::path out = dir.path() / "int8.onnx";
  quantize(params_for(out));
  const auto [images, labels] = test_images(2000);
  const at::Tensor fp32 = run(kCnn, images);
  const at::Tensor int8 = run(out, images);
  const double a32 = accuracy(fp32, labels), a8 = accuracy(int8, labels);
  std::cout << "accuracy on 2000 test images: float32 " << a32 << ", int8 per-channel " << a8 << "\n";
  EXPECT_GT(a32, 0.85);
  EXPECT_GE(a8, a32 - 0.01);
  // Predictions agree on nearly every image, logits within a few steps.
  const double agree = fp32.argmax(1).eq(int8.argmax(1)).to(at::kDouble).mean().item<double>();
  EXPECT_GT(agree, 0.97);
  const double spread = (fp32.max() - fp32.min()).item<double>();
  EXPECT_LT((fp32 - int8).abs().mean().item<double>(), 0.05 * spread);
}

TEST(OnnxInt8Quantizer, PerTensorInt8ActivationsAndPercentileStayClose) {
  TempDir dir;
  const auto [images, labels] = test_images(1000);
  const double a32 = accuracy(run(kCnn, images), labels);
  for (const char* variant : {"per_tensor", "int8_activations", "percentile"}) {
    SCOPED_TRACE(variant);
    auto p = params_for(dir.path() / (std::string(variant) + ".onnx"));
    if (std::string(variant) == "per_tensor") p.per_channel = false;
    if (std::string(variant) == "int8_activations") p.activation_dtype = ONNXInt8Quantizer::ValueType::Int8;
    if (std::string(variant) == "percentile") p.calibration_method = ONNXInt8Quantizer::CalibrationMethod::Percentile;
    quantize(p);
    EXPECT_GE(accuracy(run(p.compiled_model_path, images), labels), a32 - 0.02);
  }
  // Per-tensor weights really have one scale per tensor.
  const onnx::ModelProto m = load_onnx_model(dir.path() / "per_tensor.onnx");
  for (const auto& n : m.graph().node()) {
    if (n.op_type() == "DequantizeLinear") {
      EXPECT_EQ(n.attribute_size(), 0) << n.name();
    }
  }
}

TEST(OnnxInt8Quantizer, IntegerInputsAndOutputsCarryScaleInTheSidecar) {
  TempDir dir;
  auto p = params_for(dir.path() / "io.onnx");
  p.inference_input_type = ONNXInt8Quantizer::ValueType::UInt8;
  p.inference_output_type = ONNXInt8Quantizer::ValueType::UInt8;
  const IOSpec spec = quantize(p);
  ASSERT_EQ(spec.input.size(), 1u);
  EXPECT_EQ(spec.input[0].dtype, DType::UInt8);
  ASSERT_TRUE(spec.input[0].scale.has_value());
  ASSERT_TRUE(spec.input[0].zero_point.has_value());
  EXPECT_EQ(spec.input[0].prequantized_dtype, DType::Float32);
  EXPECT_EQ(spec.output[0].dtype, DType::UInt8);
  ASSERT_TRUE(spec.output[0].scale.has_value());
  // The sidecar on disk says the same.
  const IOSpec saved = load_io_spec(p.compiled_model_path);
  EXPECT_EQ(saved.input[0].scale, spec.input[0].scale);
  EXPECT_EQ(saved.output[0].zero_point, spec.output[0].zero_point);

  // Quantized by the spec, run, dequantized: the same predictions as the
  // float-I/O model.
  const Batch b = fashion_mnist().dataset->batch(Split::Test, 0, 500);
  std::vector<Tensor> in;
  in.push_back(b.inputs[0].clone());
  in = quantize_by_spec(std::move(in), spec.input);
  ASSERT_EQ(in[0].dtype(), DType::UInt8);
  const auto exec = onnx_exec::Executor::load(p.compiled_model_path);
  const at::Tensor q_in = onnx_exec::aten_copy(in[0].view());
  const at::Tensor q_out = exec.run({q_in}).at(0);
  ASSERT_EQ(q_out.scalar_type(), at::kByte);
  Tensor out_t(DType::UInt8, Shape(q_out.sizes().begin(), q_out.sizes().end()));
  std::memcpy(out_t.bytes().data(), q_out.data_ptr(), out_t.nbytes());
  std::vector<Tensor> outs;
  outs.push_back(std::move(out_t));
  outs = dequantize_by_spec(std::move(outs), spec.output);
  ASSERT_EQ(outs[0].dtype(), DType::Float32);
  const at::Tensor logits = onnx_exec::aten_copy(outs[0].view());
  const at::Tensor fp32 = run(kCnn, onnx_exec::aten_copy(b.inputs[0].view()));
  EXPECT_GT(logits.argmax(1).eq(fp32.argmax(1)).to(at::kDouble).mean().item<double>(), 0.97);
}

// Uniform random images in [0, 1) of one shape (MobileNetV2 has seeded,
// untrained weights, so real images would not mean more).
class RandomImages : public CalibrationData {
 public:
  explicit RandomImages(Shape sample) : sample_(std::move(sample)) {}
  std::size_t size() const override { return 64; }
  std::vector<Tensor> inputs(std::size_t begin, std::size_t count) const override {
    Shape shape = sample_;
    shape.insert(shape.begin(), static_cast<std::int64_t>(count));
    at::manual_seed(static_cast<std::uint64_t>(begin) + 1);
    const at::Tensor r = at::rand(shape);
    std::vector<Tensor> v;
    v.push_back(Tensor::from<float>(shape, std::span<const float>(r.data_ptr<float>(), r.numel())));
    return v;
  }
  std::string describe() const override { return "random images"; }

 private:
  Shape sample_;
};

TEST(OnnxInt8Quantizer, MobileNetV2WithResidualsAndClipStaysClose) {
  TempDir dir;
  PyTorchMobileNetV2::Params wp;
  wp.model_path = dir.path() / "mobilenet_v2.onnx";
  wp.input_size = 64;
  wp.num_classes = 10;
  wp.opset = 13;
  PyTorchMobileNetV2 wrapper(wp);
  const RandomImages images({3, 64, 64});
  auto p = params_for(dir.path() / "mobilenet_v2.int8.onnx");
  p.calibration_samples = 64;
  ONNXInt8Quantizer q(p);
  q.compile(wp.model_path, load_io_spec(wp.model_path), &images);
  const auto report = q.compile_report();
  EXPECT_EQ(report["quantized_weights"].get<int>(), op_counts(wp.model_path).at("Conv") + 1);  // + the Gemm
  EXPECT_LE(report["model_size_after"].get<double>(), 0.3 * report["model_size_before"].get<double>());
  at::manual_seed(99);
  const at::Tensor x = at::rand({8, 3, 64, 64});
  const at::Tensor fp32 = run(wp.model_path, x), int8 = run(p.compiled_model_path, x);
  const double rel = ((fp32 - int8).abs().mean() / fp32.abs().mean()).item<double>();
  std::cout << "MobileNetV2 64x64: int8 mean relative difference " << rel << "\n";
  // Seeded, untrained weights have no robustness to noise: the quantization
  // error grows by 1-2% per layer (measured layer by layer) to about 0.46 at
  // the logits. A wrong scale, zero point or axis anywhere gives 1 or more.
  EXPECT_LT(rel, 0.6);
}

TEST(OnnxInt8Quantizer, CalibrationSetMustExistAndBeLargeEnough) {
  TempDir dir;
  const fs::path out = dir.path() / "q.onnx";
  ONNXInt8Quantizer q(params_for(out));
  EXPECT_HAS(error_of<ConfigError>([&] { q.compile(kCnn, load_io_spec(kCnn), nullptr); }), "calibration data");
  const FixedCalibration empty(0), small(10);
  EXPECT_HAS(error_of<ConfigError>([&] { q.compile(kCnn, load_io_spec(kCnn), &empty); }), "is empty");
  const std::string e = error_of<ConfigError>([&] { q.compile(kCnn, load_io_spec(kCnn), &small); });
  EXPECT_HAS(e, "calibration_samples is 256");
  EXPECT_HAS(e, "only 10");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(io_spec_path(out)));
}

TEST(OnnxInt8Quantizer, RefusesModelsItCannotQuantize) {
  TempDir dir;
  const FixedCalibration data(64);
  auto p = params_for(dir.path() / "q.onnx");
  p.calibration_samples = 32;
  // Nothing to quantize: no op with a constant weight.
  OnnxGraphBuilder b("relu_only");
  b.add_input("input", DType::Float32, {-1, 1, 28, 28});
  b.add_node("Relu", {"input"}, {"output"});
  b.add_output("output", DType::Float32, {-1, 1, 28, 28});
  b.save(dir.path() / "relu.onnx");
  ONNXInt8Quantizer q(p);
  EXPECT_HAS(error_of<NotSupported>([&] { q.compile(dir.path() / "relu.onnx", IOSpec{}, &data); }),
             "nothing to quantize");
  // Already quantized: the quantizer's own output.
  const fs::path int8 = dir.path() / "int8.onnx";
  quantize(params_for(int8));
  EXPECT_HAS(error_of<NotSupported>([&] { q.compile(int8, IOSpec{}, &data); }), "already quantized");
  // A node outside the default domain.
  onnx::ModelProto custom = load_onnx_model(kCnn);
  custom.mutable_graph()->mutable_node(1)->set_domain("com.example");
  auto* opset = custom.add_opset_import();
  opset->set_domain("com.example");
  opset->set_version(1);
  {
    std::ofstream f(dir.path() / "custom.onnx", std::ios::binary);
    ASSERT_TRUE(custom.SerializeToOstream(&f));
  }
  const std::string e = error_of<Error>([&] { q.compile(dir.path() / "custom.onnx", IOSpec{}, &data); });
  EXPECT_HAS(e, "custom.onnx");
  EXPECT_FALSE(fs::exists(p.compiled_model_path));
}

TEST(OnnxInt8Quantizer, BadPathsAndParametersFailBeforeWork) {
  TempDir dir;
  const FixedCalibration data(300);
  ONNXInt8Quantizer nowhere(params_for(dir.path() / "no-such-folder" / "q.onnx"));
  EXPECT_HAS(error_of<IoError>([&] { nowhere.compile(kCnn, IOSpec{}, &data); }), "no-such-folder");
  ONNXInt8Quantizer q(params_for(dir.path() / "q.onnx"));
  EXPECT_HAS(error_of<IoError>([&] { q.compile(dir.path() / "missing.onnx", IOSpec{}, &data); }), "missing.onnx");
  auto p = params_for(dir.path() / "q.onnx");
  p.activation_dtype = ONNXInt8Quantizer::ValueType::Int8;
  p.inference_input_type = ONNXInt8Quantizer::ValueType::UInt8;
  EXPECT_HAS(error_of<ConfigError>([&] { ONNXInt8Quantizer bad(p); }), "inference_input_type uint8");
  // The declared schema rejects unknown methods by name.
  EXPECT_HAS(error_of<ConfigError>([&] {
               registries().optimizers.create("ONNXInt8Quantizer",
                                              {{"compiled_model_path", "x.onnx"}, {"calibration_method", "kl"}},
                                              "scenario.json: optimizers[0]");
             }),
             "calibration_method");
}

TEST(ActivationParams, CoverZeroAndTheRange) {
  const QuantParams u = activation_params({-1.0f, 3.0f}, QuantType::UInt8);
  EXPECT_NEAR(u.scale, 4.0 / 255, 1e-7);
  EXPECT_EQ(u.zero_point, 64);  // round(1 / (4/255)) = round(63.75)
  const QuantParams relu = activation_params({0.5f, 2.0f}, QuantType::UInt8);
  EXPECT_EQ(relu.zero_point, 0);  // the range is widened to include 0
  EXPECT_NEAR(relu.scale, 2.0 / 255, 1e-7);
  const QuantParams s = activation_params({-2.0f, 2.0f}, QuantType::Int8);
  EXPECT_LE(std::abs(s.zero_point), 1);  // -128 + 127.5, rounded
  EXPECT_NEAR(s.scale, 4.0 / 255, 1e-7);
  const QuantParams flat = activation_params({0.0f, 0.0f}, QuantType::UInt8);
  EXPECT_EQ(flat.scale, 1.0f);
}

TEST(QuantizeBySpec, RoundsHalfToEvenSaturatesAndRoundTrips) {
  TensorSpec spec;
  spec.name = "x";
  spec.dtype = DType::Int8;
  spec.scale = 0.5;
  spec.zero_point = 1;
  const std::vector<float> x = {0.25f, 0.75f, -100.0f, 100.0f, 1.0f};
  std::vector<Tensor> in;
  in.push_back(Tensor::from<float>({5}, x));
  auto q = quantize_by_spec(std::move(in), {spec});
  ASSERT_EQ(q[0].dtype(), DType::Int8);
  const auto v = q[0].data<std::int8_t>();
  EXPECT_EQ(v[0], 1);  // 0.5 -> 0 (even), + 1
  EXPECT_EQ(v[1], 3);  // 1.5 -> 2 (even), + 1
  EXPECT_EQ(v[2], -128);
  EXPECT_EQ(v[3], 127);
  EXPECT_EQ(v[4], 3);
  auto back = dequantize_by_spec(std::move(q), {spec});
  ASSERT_EQ(back[0].dtype(), DType::Float32);
  EXPECT_FLOAT_EQ(back[0].data<float>()[4], 1.0f);
  // Tensors whose spec has no scale pass through untouched.
  TensorSpec plain;
  plain.dtype = DType::Float32;
  std::vector<Tensor> f;
  f.push_back(Tensor::from<float>({5}, x));
  EXPECT_EQ(quantize_by_spec(std::move(f), {plain})[0].dtype(), DType::Float32);
}

}  // namespace
