// ONNXGraphOptimizer and ONNXFloat16Compressor on the project's CNN and a
// small MobileNetV2 export: outputs compared with onnx_exec's executor before
// and after, node counts and file sizes, and their errors.
#include <cstring>
#include <filesystem>
#include <span>
#include <fstream>
#include <iostream>
#include <random>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "onnx_exec/executor.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/registries.h"
#include "modelwrappers/mobilenet_v2.h"
#include "optimizers/onnx_fp16_compressor.h"
#include "onnx/onnx_graph_builder.h"
#include "optimizers/onnx_graph_optimizer.h"
#include "test_support.h"
#if KENNING_WITH_OPENCV
#include <opencv2/dnn.hpp>
#endif

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

const fs::path kCnn = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx";

at::Tensor run_model(const fs::path& model, const at::Tensor& input) {
  const auto exec = onnx_exec::Executor::load(model);
  const auto out = exec.run({input});
  return out.at(0);
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

int node_count(const fs::path& model) { return load_onnx_model(model).graph().node_size(); }

int count_op(const fs::path& model, const std::string& op) {
  int n = 0;
  const onnx::ModelProto m = load_onnx_model(model);
  for (const auto& node : m.graph().node()) n += node.op_type() == op;
  return n;
}

void write_model(const onnx::ModelProto& m, const fs::path& path) {
  std::ofstream out(path, std::ios::binary);
  ASSERT_TRUE(m.SerializeToOstream(&out));
}

IOSpec spec_of(const fs::path& model) { return fs::exists(io_spec_path(model)) ? load_io_spec(model) : IOSpec{}; }

ONNXGraphOptimizer::Params graph_params(const fs::path& out) {
  ONNXGraphOptimizer::Params p;
  p.compiled_model_path = out;
  return p;
}

// The CNN with extra work for the passes: an Identity in front of the graph
// output, a Dropout after Flatten, the last Gemm's bias reshaped at run time
// from a [1, 10] copy by a shape held in a Constant node, an unused initializer.
onnx::ModelProto cnn_with_extra_nodes() {
  onnx::ModelProto m = load_onnx_model(kCnn);
  onnx::GraphProto& g = *m.mutable_graph();
  const std::string out = g.output(0).name();
  onnx::NodeProto* last = nullptr;
  for (auto& n : *g.mutable_node()) {
    if (n.output(0) == out) last = &n;
  }
  EXPECT_TRUE(last && last->op_type() == "Gemm");
  last->set_output(0, "pre_output");
  // Dropout after Flatten.
  for (auto& n : *g.mutable_node()) {
    if (n.op_type() != "Flatten") continue;
    const std::string flat = n.output(0);
    n.set_output(0, flat + ".pre_dropout");
    onnx::NodeProto* d = g.add_node();
    d->set_op_type("Dropout");
    d->set_name("dropout");
    d->add_input(flat + ".pre_dropout");
    d->add_output(flat);
    break;
  }
  // Bias through Constant + Reshape.
  const std::string bias = last->input(2);
  onnx::TensorProto bias2d;
  for (const auto& t : g.initializer()) {
    if (t.name() == bias) bias2d = t;
  }
  bias2d.set_name("bias2d");
  bias2d.clear_dims();
  bias2d.add_dims(1);
  bias2d.add_dims(10);
  *g.add_initializer() = bias2d;
  last->set_input(2, "bias_reshaped");
  onnx::NodeProto* c = g.add_node();
  c->set_op_type("Constant");
  c->add_output("bias_shape");
  auto* a = c->add_attribute();
  a->set_name("value_ints");
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  a->add_ints(10);
  onnx::NodeProto* r = g.add_node();
  r->set_op_type("Reshape");
  r->add_input("bias2d");
  r->add_input("bias_shape");
  r->add_output("bias_reshaped");
  onnx::NodeProto* id = g.add_node();
  id->set_op_type("Identity");
  id->add_input("pre_output");
  id->add_output(out);
  onnx::TensorProto* junk = g.add_initializer();
  junk->set_name("unused");
  junk->set_data_type(onnx::TensorProto_DataType_FLOAT);
  junk->add_float_data(1.0f);
  // Restore topological order: producers before readers.
  google::protobuf::RepeatedPtrField<onnx::NodeProto> sorted;
  std::set<std::string> ready;
  for (const auto& v : g.input()) ready.insert(v.name());
  for (const auto& t : g.initializer()) ready.insert(t.name());
  std::vector<bool> done(static_cast<std::size_t>(g.node_size()), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (int i = 0; i < g.node_size(); ++i) {
      if (done[static_cast<std::size_t>(i)]) continue;
      bool ok = true;
      for (const auto& s : g.node(i).input()) ok = ok && (s.empty() || ready.count(s));
      if (!ok) continue;
      *sorted.Add() = g.node(i);
      for (const auto& s : g.node(i).output()) ready.insert(s);
      done[static_cast<std::size_t>(i)] = progress = true;
    }
  }
  g.mutable_node()->Swap(&sorted);
  return m;
}

at::Tensor cnn_input() {
  at::manual_seed(7);
  return at::rand({4, 1, 28, 28});
}

}  // namespace

TEST(ONNXGraphOptimizer, KeepsTheCnnOutputs) {
  TempDir dir;
  const fs::path out = dir.path() / "cnn-opt.onnx";
  ONNXGraphOptimizer opt(graph_params(out));
  opt.compile(kCnn, load_io_spec(kCnn), nullptr);
  ASSERT_TRUE(fs::exists(out));
  ASSERT_TRUE(fs::exists(io_spec_path(out)));
  EXPECT_LE(opt.last_report().nodes_after, opt.last_report().nodes_before);
  EXPECT_EQ(opt.last_report().nodes_after, node_count(out));
  const auto x = cnn_input();
  EXPECT_LT(max_abs_diff(run_model(kCnn, x), run_model(out, x)), 1e-5);
  std::cout << "fashion-mnist-cnn: " << opt.last_report().nodes_before << " -> " << opt.last_report().nodes_after
            << " nodes\n";
}

TEST(ONNXGraphOptimizer, RemovesIdentityDropoutConstantsAndUnusedInitializers) {
  TempDir dir;
  const fs::path in = dir.path() / "cnn-extra.onnx";
  write_model(cnn_with_extra_nodes(), in);
  const fs::path out = dir.path() / "cnn-extra-opt.onnx";
  ONNXGraphOptimizer opt(graph_params(out));
  opt.compile(in, load_io_spec(kCnn), nullptr);
  EXPECT_EQ(node_count(in), node_count(kCnn) + 4);
  EXPECT_EQ(node_count(out), node_count(kCnn));
  EXPECT_LT(opt.last_report().nodes_after, opt.last_report().nodes_before);
  for (const char* op : {"Identity", "Dropout", "Constant", "Reshape"}) {
    EXPECT_EQ(count_op(out, op), 0) << op;
  }
  const auto m = load_onnx_model(out);
  EXPECT_EQ(m.graph().output(0).name(), load_onnx_model(kCnn).graph().output(0).name());
  EXPECT_EQ(m.graph().initializer_size(), load_onnx_model(kCnn).graph().initializer_size());
  const auto x = cnn_input();
  EXPECT_LT(max_abs_diff(run_model(kCnn, x), run_model(in, x)), 1e-5);
  EXPECT_LT(max_abs_diff(run_model(in, x), run_model(out, x)), 1e-5);
}

TEST(ONNXGraphOptimizer, EvaluatesNodesWhoseInputsAreAllConstant) {
  TempDir dir;
  // y = x + sqrt(a * b + a): three constant nodes in front of the one that
  // reads the input.
  OnnxGraphBuilder b("consts");
  b.add_input("x", DType::Float32, {-1, 4});
  const std::vector<float> a = {1, 2, 3, 4}, w = {3, 1, 2, 5};
  b.add_initializer("a", std::span<const float>(a), {4});
  b.add_initializer("w", std::span<const float>(w), {4});
  b.add_node("Mul", {"a", "w"}, {"aw"});
  b.add_node("Add", {"aw", "a"}, {"awa"});
  b.add_node("Sqrt", {"awa"}, {"c"});
  b.add_node("Add", {"x", "c"}, {"y"});
  b.add_output("y", DType::Float32, {-1, 4});
  const fs::path in = dir.path() / "consts.onnx";
  b.save(in);
  const fs::path out = dir.path() / "folded.onnx";
  ONNXGraphOptimizer opt(graph_params(out));
  opt.compile(in, IOSpec{}, nullptr);
  EXPECT_EQ(node_count(out), 1);
  EXPECT_EQ(count_op(out, "Add"), 1);
  const at::Tensor x = at::rand({2, 4});
  EXPECT_LT(max_abs_diff(run_model(in, x), run_model(out, x)), 1e-6);
  // Folding does not undo compression: the large float16 weights stay
  // float16 behind their Casts (only results under 4 KiB may be folded).
  const fs::path half = dir.path() / "half.onnx";
  ONNXFloat16Compressor::Params hp;
  hp.compiled_model_path = half;
  ONNXFloat16Compressor(hp).compile(kCnn, load_io_spec(kCnn), nullptr);
  const fs::path half_opt = dir.path() / "half-opt.onnx";
  ONNXGraphOptimizer(graph_params(half_opt)).compile(half, load_io_spec(kCnn), nullptr);
  EXPECT_GE(count_op(half_opt, "Cast"), 2);
  EXPECT_LT(fs::file_size(half_opt), fs::file_size(half) + 16 * 1024);
  EXPECT_LT(static_cast<double>(fs::file_size(half_opt)), 0.52 * static_cast<double>(fs::file_size(kCnn)));
}

TEST(ONNXGraphOptimizer, FoldsBatchNormIntoMobileNetV2Convolutions) {
  TempDir dir;
  PyTorchMobileNetV2::Params wp;
  wp.model_path = dir.path() / "mobilenet_v2.onnx";
  wp.input_size = 64;
  wp.num_classes = 10;
  wp.opset = 13;
  PyTorchMobileNetV2 wrapper(wp);
  ASSERT_TRUE(fs::exists(wp.model_path));
  const int bn_before = count_op(wp.model_path, "BatchNormalization");
  ASSERT_GT(bn_before, 0);

  const fs::path out = dir.path() / "mobilenet_v2-opt.onnx";
  ONNXGraphOptimizer opt(graph_params(out));
  opt.compile(wp.model_path, spec_of(wp.model_path), nullptr);
  EXPECT_EQ(count_op(out, "BatchNormalization"), 0);
  EXPECT_EQ(node_count(out), node_count(wp.model_path) - bn_before);
  EXPECT_LT(opt.last_report().bytes_after, opt.last_report().bytes_before);
  at::manual_seed(3);
  const auto x = at::rand({2, 3, 64, 64});
  const auto ref = run_model(wp.model_path, x);
  const auto got = run_model(out, x);
  const double diff = max_abs_diff(ref, got);
  EXPECT_LT(diff, 1e-5) << "reference magnitude " << ref.abs().max().item<double>();
  // onnx_exec folds BatchNormalization itself at load, the same way, so the
  // wrapper's own libtorch inference on the unfolded network is the
  // independent reference.
  Tensor input(DType::Float32, {2, 3, 64, 64});
  std::memcpy(input.bytes().data(), x.contiguous().data_ptr<float>(), input.nbytes());
  const TensorView view = input.view();
  const auto native = wrapper.run_inference(std::span<const TensorView>(&view, 1));
  ASSERT_EQ(native.size(), 1u);
  const at::Tensor torch_ref = at::from_blob(const_cast<std::byte*>(native[0].bytes().data()), {2, 10}).clone();
  const double torch_diff = max_abs_diff(torch_ref, got);
  EXPECT_LT(torch_diff, 1e-4 * std::max(1.0, ref.abs().max().item<double>()));
  std::cout << "mobilenet_v2: optimized (onnx_exec) vs libtorch on the original network, max abs "
               "diff "
            << torch_diff << ", output magnitude " << ref.abs().max().item<double>() << "\n";
  std::cout << "mobilenet_v2 (64x64): " << opt.last_report().nodes_before << " -> " << opt.last_report().nodes_after
            << " nodes, " << opt.last_report().bytes_before << " -> " << opt.last_report().bytes_after
            << " bytes, max abs diff " << diff << "\n";
}

TEST(ONNXGraphOptimizer, FoldsBatchNormIntoGemmWithConstantB) {
  TempDir dir;
  OnnxGraphBuilder b("gemm_bn");
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(0.5f, 1.5f);
  auto values = [&](std::size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
  };
  b.add_input("x", DType::Float32, {-1, 8});
  b.add_initializer("w", values(32), {4, 8});
  b.add_initializer("c", values(4), {4});
  for (const char* n : {"scale", "shift", "mean", "var"}) b.add_initializer(n, values(4), {4});
  b.add_node("Gemm", {"x", "w", "c"}, {"y"}, {{"transB", std::int64_t{1}}, {"beta", 0.5f}});
  b.add_node("BatchNormalization", {"y", "scale", "shift", "mean", "var"}, {"out"}, {{"epsilon", 1e-3f}});
  b.add_output("out", DType::Float32, {-1, 4});
  const fs::path in = dir.path() / "gemm_bn.onnx";
  b.save(in);
  const fs::path out = dir.path() / "gemm_bn-opt.onnx";
  ONNXGraphOptimizer opt(graph_params(out));
  opt.compile(in, IOSpec{}, nullptr);
  EXPECT_EQ(node_count(out), 1);
  EXPECT_EQ(count_op(out, "Gemm"), 1);
  at::manual_seed(1);
  const auto x = at::rand({3, 8});
  EXPECT_LT(max_abs_diff(run_model(in, x), run_model(out, x)), 1e-5);
}

TEST(ONNXGraphOptimizer, PassesCanBeSwitchedOff) {
  TempDir dir;
  const fs::path in = dir.path() / "cnn-extra.onnx";
  write_model(cnn_with_extra_nodes(), in);
  auto p = graph_params(dir.path() / "out.onnx");
  p.remove_identity = false;
  p.fold_constants = false;
  ONNXGraphOptimizer opt(p);
  opt.compile(in, IOSpec{}, nullptr);
  EXPECT_EQ(count_op(p.compiled_model_path, "Identity"), 1);
  EXPECT_EQ(count_op(p.compiled_model_path, "Dropout"), 1);
  EXPECT_EQ(count_op(p.compiled_model_path, "Constant"), 1);
}

TEST(ONNXGraphOptimizer, BadInputsNameTheFileAndWriteNothing) {
  TempDir dir;
  const fs::path out = dir.path() / "out.onnx";
  ONNXGraphOptimizer opt(graph_params(out));
  EXPECT_HAS(error_of<IoError>([&] { opt.compile(dir.path() / "missing.onnx", IOSpec{}, nullptr); }), "missing.onnx");

  ONNXGraphOptimizer nowhere(graph_params(dir.path() / "no-such-folder" / "out.onnx"));
  EXPECT_HAS(error_of<IoError>([&] { nowhere.compile(kCnn, IOSpec{}, nullptr); }), "no-such-folder");

  OnnxGraphBuilder b("bad");
  b.add_input("x", DType::Float32, {1, 4});
  b.add_node("Relu", {"x"}, {"y"});
  b.add_output("y", DType::Float32, {1, 4});
  onnx::ModelProto m = b.model();
  m.mutable_graph()->mutable_node(0)->set_op_type("NoSuchOp");
  const fs::path bad = dir.path() / "unknown-op.onnx";
  write_model(m, bad);
  const std::string e = error_of<NotSupported>([&] { opt.compile(bad, IOSpec{}, nullptr); });
  EXPECT_HAS(e, "unknown-op.onnx");
  EXPECT_HAS(e, "NoSuchOp");

  const fs::path garbage = dir.path() / "garbage.onnx";
  std::ofstream(garbage) << "not a model";
  EXPECT_HAS(error_of<IoError>([&] { opt.compile(garbage, IOSpec{}, nullptr); }), "garbage.onnx");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(io_spec_path(out)));
  // Only the two inputs written above: no output, sidecar or temporary file.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

TEST(ONNXGraphOptimizer, ParametersAndLocation) {
  const auto& s = ONNXGraphOptimizer::schema();
  EXPECT_HAS(error_of<ConfigError>([&] { s.parse(nlohmann::json::object(), "s.json: optimizers[0]"); }),
             "compiled_model_path");
  const auto p = s.parse({{"compiled_model_path", "o.onnx"}}, "s.json");
  EXPECT_EQ(p.location, OptimizerLocation::Host);
  EXPECT_TRUE(p.fold_batchnorm && p.remove_identity && p.fold_constants && p.remove_unused_initializers);
  auto target = p;
  target.location = OptimizerLocation::Target;
  EXPECT_EQ(ONNXGraphOptimizer(target).location(), OptimizerLocation::Target);
  EXPECT_EQ(s.to_json(target)["location"], "target");
  EXPECT_THROW(s.parse({{"compiled_model_path", "o.onnx"}, {"location", "moon"}}, "s.json"), ConfigError);
}

TEST(ONNXFloat16Compressor, HalvesTheCnnAndKeepsItsOutputsClose) {
  TempDir dir;
  const fs::path out = dir.path() / "cnn-fp16.onnx";
  ONNXFloat16Compressor::Params p;
  p.compiled_model_path = out;
  ONNXFloat16Compressor opt(p);
  opt.compile(kCnn, load_io_spec(kCnn), nullptr);
  ASSERT_TRUE(fs::exists(io_spec_path(out)));
  const double ratio = static_cast<double>(fs::file_size(out)) / static_cast<double>(fs::file_size(kCnn));
  EXPECT_LT(ratio, 0.55);
  EXPECT_GT(ratio, 0.45);
  const auto x = cnn_input();
  const auto ref = run_model(kCnn, x);
  const auto got = run_model(out, x);
  EXPECT_EQ(got.scalar_type(), at::kFloat);
  const double diff = max_abs_diff(ref, got);
  EXPECT_LT(diff, 1e-2);
  std::cout << "fashion-mnist-cnn fp16: " << fs::file_size(kCnn) << " -> " << fs::file_size(out) << " bytes, "
            << opt.last_report().nodes_before << " -> " << opt.last_report().nodes_after << " nodes, max abs diff "
            << diff << "\n";
#if KENNING_WITH_OPENCV
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(out.string());
    cv::Mat blob({4, 1, 28, 28}, CV_32F, x.contiguous().data_ptr<float>());
    net.setInput(blob);
    cv::Mat y = net.forward();
    const at::Tensor cv_out = at::from_blob(y.ptr<float>(), {4, 10}).clone();
    std::cout << "OpenCV loads the float16 model, max abs diff " << max_abs_diff(ref, cv_out) << "\n";
    EXPECT_LT(max_abs_diff(ref, cv_out), 1e-2);
  } catch (const cv::Exception& e) {
    std::cout << "OpenCV refuses the float16 model: " << e.what() << "\n";
  }
#endif
}

TEST(ONNXFloat16Compressor, MobileNetV2StaysClose) {
  TempDir dir;
  PyTorchMobileNetV2::Params wp;
  wp.model_path = dir.path() / "mobilenet_v2.onnx";
  wp.input_size = 64;
  wp.num_classes = 10;
  PyTorchMobileNetV2 wrapper(wp);
  ONNXFloat16Compressor::Params p;
  p.compiled_model_path = dir.path() / "mobilenet_v2-fp16.onnx";
  ONNXFloat16Compressor opt(p);
  opt.compile(wp.model_path, spec_of(wp.model_path), nullptr);
  at::manual_seed(3);
  const auto x = at::rand({1, 3, 64, 64});
  const auto ref = run_model(wp.model_path, x);
  const double diff = max_abs_diff(ref, run_model(p.compiled_model_path, x));
  const double magnitude = ref.abs().max().item<double>();
  // Random, untrained weights through ~50 layers: float16 rounding of every
  // weight adds up to a few percent of the output's magnitude.
  EXPECT_LT(diff, 5e-2 * std::max(1.0, magnitude));
  std::cout << "mobilenet_v2 fp16: " << fs::file_size(wp.model_path) << " -> " << fs::file_size(p.compiled_model_path)
            << " bytes, max abs diff " << diff << ", output magnitude " << magnitude << "\n";
  EXPECT_LT(fs::file_size(p.compiled_model_path), fs::file_size(wp.model_path) * 6 / 10);
}

TEST(ONNXFloat16Compressor, BadInputsAndLocation) {
  TempDir dir;
  ONNXFloat16Compressor::Params p;
  p.compiled_model_path = dir.path() / "missing-folder" / "o.onnx";
  ONNXFloat16Compressor opt(p);
  EXPECT_HAS(error_of<IoError>([&] { opt.compile(kCnn, IOSpec{}, nullptr); }), "missing-folder");
  p.compiled_model_path = dir.path() / "o.onnx";
  ONNXFloat16Compressor opt2(p);
  EXPECT_HAS(error_of<IoError>([&] { opt2.compile(dir.path() / "nope.onnx", IOSpec{}, nullptr); }), "nope.onnx");
  EXPECT_FALSE(fs::exists(p.compiled_model_path));
  p.location = OptimizerLocation::Target;
  EXPECT_EQ(ONNXFloat16Compressor(p).location(), OptimizerLocation::Target);
  EXPECT_HAS(error_of<ConfigError>([] { ONNXFloat16Compressor::schema().parse(nlohmann::json::object(), "s.json"); }),
             "compiled_model_path");
}

TEST(OptimizerRegistry, ListsTheOptimizers) {
  const auto& r = registries().optimizers;
  for (const char* name : {"onnx_graph_optimizer", "onnx_fp16"}) {
    const auto& info = r.find(name);
    EXPECT_TRUE(info.available) << name;
  }
  TempDir dir;
  auto o = r.create("onnx_graph_optimizer", {{"compiled_model_path", (dir.path() / "x.onnx").string()}},
                    "s.json: optimizers[0]");
  EXPECT_EQ(o->type_name(), "ONNXGraphOptimizer");
  EXPECT_EQ(o->input_formats(), std::vector<std::string>{"onnx"});
  EXPECT_EQ(o->location(), OptimizerLocation::Host);
  EXPECT_EQ(r.create("onnx_fp16", {{"compiled_model_path", "x.onnx"}, {"location", "target"}}, "s.json: optimizers[0]")
                ->location(),
            OptimizerLocation::Target);
}
