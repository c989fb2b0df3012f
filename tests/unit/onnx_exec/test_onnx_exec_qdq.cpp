// QDQ-quantized models (ONNX Runtime's QDQ layout, written here by the
// min-max rewrite in qdq_test_model.h) on the executor's integer path: the
// load-time QDQ fusion (src/onnx_exec/qdq_fusion.h) and the int8 kernels
// (oneDNN, or ATen's integer fallback) against the same graph run op by op
// (ExecutorOptions{.fusion = false}: QuantizeLinear, DequantizeLinear and
// float ops).
//
// Tolerance: one quantization step of each compared output. The fused path
// requantizes the int32 accumulator in one float multiply (oneDNN's output
// scales), the reference dequantizes, runs the float op and divides by the
// output scale: the two can land on different sides of a rounding boundary
// for a few elements (none did in these tests at the time of writing; a
// network is allowed 5% of its outputs one step off).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "onnx_exec/int8_conv_path.h"
#include "onnx_exec/onednn_conv.h"
#include "onnx/onnx_graph_builder.h"
#include "qdq_test_model.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using namespace kenning::onnx_exec;
using kenning::testing::error_of;
using kenning::testing::make_qdq_model;
using kenning::testing::QdqOptions;
using kenning::testing::TempDir;

namespace {

using Ints = std::vector<std::int64_t>;

std::vector<float> values_of(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

void add_random(OnnxGraphBuilder& g, const std::string& name, const Ints& shape, float scale) {
  g.add_initializer(name, values_of(at::randn(shape) * scale), shape);
}

// x [N, 3, 12, 12] -> Conv(pad 1) -> Relu -> MaxPool 2x2 -> Conv -> Clip(0, 6)
// -> Flatten -> Gemm(transB) -> Relu -> MatMul -> Add(bias) -> y [N, 10].
onnx::ModelProto small_cnn() {
  OnnxGraphBuilder g("small_cnn", 13);
  g.add_input("x", DType::Float32, {-1, 3, 12, 12});
  add_random(g, "w1", {8, 3, 3, 3}, 0.3f);
  add_random(g, "b1", {8}, 0.1f);
  add_random(g, "w2", {16, 8, 3, 3}, 0.15f);
  add_random(g, "b2", {16}, 0.1f);
  add_random(g, "w3", {32, 256}, 0.05f);
  add_random(g, "b3", {32}, 0.1f);
  add_random(g, "w4", {32, 10}, 0.2f);
  add_random(g, "b4", {10}, 0.1f);
  g.add_initializer("lo", std::vector<float>{0.0f}, {});
  g.add_initializer("hi", std::vector<float>{6.0f}, {});
  g.add_node("Conv", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}});
  g.add_node("Relu", {"c1"}, {"r1"});
  g.add_node("MaxPool", {"r1"}, {"p1"}, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}});
  g.add_node("Conv", {"p1", "w2", "b2"}, {"c2"});
  g.add_node("Clip", {"c2", "lo", "hi"}, {"r2"});
  g.add_node("Flatten", {"r2"}, {"f"});
  g.add_node("Gemm", {"f", "w3", "b3"}, {"g3"}, {{"transB", std::int64_t{1}}});
  g.add_node("Relu", {"g3"}, {"r3"});
  g.add_node("MatMul", {"r3", "w4"}, {"m4"});
  g.add_node("Add", {"m4", "b4"}, {"y"});
  g.add_output("y", DType::Float32, {-1, 10});
  g.infer_shapes();
  return g.model();
}

fs::path save(const onnx::ModelProto& model, const fs::path& dir, const std::string& name) {
  const fs::path path = dir / (name + ".onnx");
  std::ofstream(path, std::ios::binary) << model.SerializeAsString();
  return path;
}

// Largest difference in output steps (of `scale`), and the share of elements
// that differ at all.
struct Diff {
  double max_steps = 0;
  double share_off = 0;
};
Diff steps_apart(const at::Tensor& a, const at::Tensor& b, double scale) {
  EXPECT_EQ(a.sizes(), b.sizes());
  const at::Tensor d = ((a.to(at::kDouble) - b.to(at::kDouble)).abs() / scale).round();
  return {d.max().item<double>(), d.gt(0).to(at::kDouble).mean().item<double>()};
}

// The scale of the DequantizeLinear writing graph output `name`.
double output_scale(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& n : m.graph().node()) {
    if (n.op_type() != "DequantizeLinear" || n.output(0) != name) continue;
    for (const auto& init : m.graph().initializer()) {
      if (init.name() == n.input(1)) {
        float s = 0;
        std::memcpy(&s, init.raw_data().data(), sizeof s);
        return s;
      }
    }
  }
  ADD_FAILURE() << "no DequantizeLinear writes " << name;
  return 1;
}

struct NetCase {
  bool per_channel;
  bool int8_activations;
  std::int64_t batch;
};

class QdqNet : public ::testing::TestWithParam<NetCase> {};

TEST_P(QdqNet, FusesEveryQuantizedOpAndMatchesTheReference) {
  const NetCase c = GetParam();
  at::manual_seed(7);
  const onnx::ModelProto float_model = small_cnn();
  const at::Tensor x = at::rand({c.batch, 3, 12, 12});
  const onnx::ModelProto qdq = make_qdq_model(float_model, {at::rand({8, 3, 12, 12})},
                                              {.per_channel = c.per_channel, .int8_activations = c.int8_activations});
  TempDir dir;
  const fs::path path = save(qdq, dir.path(), "qdq");
  const Executor fused = Executor::load(path);
  const Executor reference = Executor::load(path, {.fusion = false});

  const QdqFusionStats& s = fused.qdq_fusion_stats();
  EXPECT_EQ(s.fused_convs, 2);
  EXPECT_EQ(s.fused_gemms, 2);  // the Gemm, and the MatMul with its bias Add
  EXPECT_EQ(s.fused_activations, 3);
  EXPECT_EQ(s.quantized_passthroughs, 2);  // MaxPool, Flatten
  EXPECT_EQ(reference.qdq_fusion_stats().fused_convs, 0);

  const at::Tensor y = fused.run({x})[0];
  const at::Tensor y_ref = reference.run({x})[0];
  ASSERT_EQ(y.sizes(), (at::IntArrayRef{c.batch, 10}));
  const Diff d = steps_apart(y, y_ref, output_scale(qdq, "y"));
  std::printf("fused vs op by op: %.1f%% of the outputs differ, by at most %g steps\n", d.share_off * 100, d.max_steps);
  EXPECT_LE(d.max_steps, 1) << "off in " << d.share_off * 100 << "% of the elements";
  EXPECT_LE(d.share_off, 0.05);
  // A second run (cached primitives) gives the same result.
  EXPECT_TRUE(at::equal(fused.run({x})[0], y));
}

std::string net_name(const ::testing::TestParamInfo<NetCase>& info) {
  const NetCase& c = info.param;
  return std::string(c.per_channel ? "per_channel" : "per_tensor") + (c.int8_activations ? "_s8" : "_u8") + "_batch" +
         std::to_string(c.batch);
}

INSTANTIATE_TEST_SUITE_P(All, QdqNet,
                         ::testing::Values(NetCase{true, false, 1}, NetCase{true, false, 5}, NetCase{false, false, 1},
                                           NetCase{false, false, 5}, NetCase{true, true, 1}, NetCase{true, true, 5},
                                           NetCase{false, true, 1}, NetCase{false, true, 5}),
                         net_name);

// One Conv [-> activation]: every output element within one step.
struct ConvCase {
  std::string name;
  std::int64_t in_c, out_c, group, k, stride;
  Ints pads;
  std::string activation;  // "", "Relu" or "Clip"
  bool per_channel, int8_activations;
};

onnx::ModelProto single_conv(const ConvCase& c) {
  OnnxGraphBuilder g("conv", 13);
  g.add_input("x", DType::Float32, {-1, c.in_c, 9, 10});
  add_random(g, "w", {c.out_c, c.in_c / c.group, c.k, c.k}, 0.4f);
  add_random(g, "b", {c.out_c}, 0.2f);
  g.add_node("Conv", {"x", "w", "b"}, {c.activation.empty() ? "y" : "c"},
             {{"pads", c.pads}, {"strides", Ints{c.stride, c.stride}}, {"group", c.group}});
  if (c.activation == "Relu") g.add_node("Relu", {"c"}, {"y"});
  if (c.activation == "Clip") {
    g.add_initializer("lo", std::vector<float>{-0.5f}, {});
    g.add_initializer("hi", std::vector<float>{0.75f}, {});
    g.add_node("Clip", {"c", "lo", "hi"}, {"y"});
  }
  g.add_output("y", DType::Float32, {-1, c.out_c, -1, -1});
  return g.model();
}

class QdqConv : public ::testing::TestWithParam<ConvCase> {};

// Calibration puts the output range at the activation's bounds, where
// saturation alone would clip: widen it (double scale, zero point mid-range)
// so the fused activation has work to do.
void widen_output_range(onnx::ModelProto& m, bool int8) {
  for (auto& init : *m.mutable_graph()->mutable_initializer()) {
    if (init.name() == "y_float_zp") init.set_raw_data(std::string(1, static_cast<char>(int8 ? 0 : 128)));
    if (init.name() == "y_float_scale") {
      float s = 0;
      std::memcpy(&s, init.raw_data().data(), sizeof s);
      s *= 2;
      init.set_raw_data(std::string(reinterpret_cast<const char*>(&s), sizeof s));
    }
  }
}

TEST_P(QdqConv, MatchesTheReferenceWithinOneStep) {
  const ConvCase c = GetParam();
  at::manual_seed(11);
  onnx::ModelProto qdq = make_qdq_model(single_conv(c), {at::randn({4, c.in_c, 9, 10})},
                                        {.per_channel = c.per_channel, .int8_activations = c.int8_activations});
  widen_output_range(qdq, c.int8_activations);
  TempDir dir;
  const fs::path path = save(qdq, dir.path(), "conv");
  const Executor fused = Executor::load(path);
  const Executor reference = Executor::load(path, {.fusion = false});
  EXPECT_EQ(fused.qdq_fusion_stats().fused_convs, 1);
  EXPECT_EQ(fused.qdq_fusion_stats().fused_activations, c.activation.empty() ? 0 : 1);
  for (std::int64_t batch : {1, 3}) {
    const at::Tensor x = at::randn({batch, c.in_c, 9, 10});
    const Diff d = steps_apart(fused.run({x})[0], reference.run({x})[0], output_scale(qdq, "y"));
    EXPECT_LE(d.max_steps, 1) << "batch " << batch;
    EXPECT_LE(d.share_off, 0.02) << "batch " << batch;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, QdqConv,
    ::testing::Values(ConvCase{"plain_relu_u8", 3, 8, 1, 3, 1, {1, 1, 1, 1}, "Relu", true, false},
                      ConvCase{"plain_relu_s8", 3, 8, 1, 3, 1, {1, 1, 1, 1}, "Relu", true, true},
                      ConvCase{"per_tensor_clip_u8", 4, 6, 1, 3, 2, {0, 1, 2, 0}, "Clip", false, false},
                      ConvCase{"per_tensor_clip_s8", 4, 6, 1, 3, 2, {0, 1, 2, 0}, "Clip", false, true},
                      ConvCase{"depthwise_u8", 8, 8, 8, 3, 1, {1, 1, 1, 1}, "Clip", true, false},
                      ConvCase{"depthwise_s8", 8, 8, 8, 3, 2, {1, 1, 1, 1}, "Relu", true, true},
                      ConvCase{"grouped_s8", 6, 9, 3, 3, 1, {1, 1, 1, 1}, "", true, true},
                      ConvCase{"pointwise_u8", 16, 24, 1, 1, 1, {0, 0, 0, 0}, "", false, false}),
    [](const auto& info) { return info.param.name; });

// x -> Conv -> Relu with the model quantized; the caller may expose values.
onnx::ModelProto conv_relu_qdq() {
  at::manual_seed(3);
  return make_qdq_model(single_conv({"c", 3, 8, 1, 3, 1, {1, 1, 1, 1}, "Relu", true, false}),
                        {at::randn({2, 3, 9, 10})}, {});
}

void add_output(onnx::ModelProto& m, const std::string& name) {
  auto* v = m.mutable_graph()->add_output();
  v->set_name(name);
  v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
}

}  // namespace

// The Conv's float result is also a graph output: nothing may swallow it.
TEST(OnnxExecQdq, IntermediateWithASecondReaderIsNotFused) {
  onnx::ModelProto m = conv_relu_qdq();
  add_output(m, "c");
  TempDir dir;
  const fs::path path = save(m, dir.path(), "exposed");
  const Executor fused = Executor::load(path);
  EXPECT_EQ(fused.qdq_fusion_stats().fused_convs, 0);
  EXPECT_EQ(fused.fusion_stats().fused_activations, 0);
  const at::Tensor x = at::randn({2, 3, 9, 10});
  const auto out = fused.run({x});
  const auto ref = Executor::load(path, {.fusion = false}).run({x});
  EXPECT_TRUE(at::allclose(out[1], ref[1], 1e-4, 1e-4));  // the exposed float Conv output
  EXPECT_TRUE(at::allclose(out[0], ref[0], 1e-4, 1e-4));
}

// A DequantizeLinear read by another node as well stays for it; the Conv
// still reads the quantized tensor.
TEST(OnnxExecQdq, SharedDequantizeStaysForItsOtherReader) {
  onnx::ModelProto m = conv_relu_qdq();
  add_output(m, "x_dq");
  TempDir dir;
  const fs::path path = save(m, dir.path(), "shared");
  const Executor fused = Executor::load(path);
  EXPECT_EQ(fused.qdq_fusion_stats().fused_convs, 1);
  const at::Tensor x = at::randn({2, 3, 9, 10});
  const auto out = fused.run({x});
  const auto ref = Executor::load(path, {.fusion = false}).run({x});
  EXPECT_TRUE(at::equal(out[1], ref[1]));
  EXPECT_LE(steps_apart(out[0], ref[0], output_scale(m, "y")).max_steps, 1);
}

// A residual block as in MobileNetV2: the Relu's quantized output feeds a
// Conv and the residual Add through one DequantizeLinear; the Add becomes a
// QLinearAdd, the GlobalAveragePool stays DQ -> float op -> Q between fused ops.
TEST(OnnxExecQdq, ResidualBlockFusesTheAddAndKeepsThePool) {
  OnnxGraphBuilder g("residual", 13);
  g.add_input("x", DType::Float32, {-1, 4, 8, 8});
  add_random(g, "w1", {8, 4, 3, 3}, 0.3f);
  add_random(g, "b1", {8}, 0.1f);
  add_random(g, "w2", {8, 8, 1, 1}, 0.3f);
  add_random(g, "b2", {8}, 0.1f);
  add_random(g, "w3", {5, 8}, 0.3f);
  add_random(g, "b3", {5}, 0.1f);
  g.add_node("Conv", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}});
  g.add_node("Relu", {"c1"}, {"r1"});
  g.add_node("Conv", {"r1", "w2", "b2"}, {"c2"});
  g.add_node("Add", {"r1", "c2"}, {"s"});
  g.add_node("GlobalAveragePool", {"s"}, {"p"});
  g.add_node("Flatten", {"p"}, {"f"});
  g.add_node("Gemm", {"f", "w3", "b3"}, {"y"}, {{"transB", std::int64_t{1}}});
  g.add_output("y", DType::Float32, {-1, 5});
  at::manual_seed(8);
  const onnx::ModelProto qdq = make_qdq_model(g.model(), {at::randn({8, 4, 8, 8})}, {});
  TempDir dir;
  const fs::path path = save(qdq, dir.path(), "residual");
  const Executor fused = Executor::load(path);
  const QdqFusionStats& s = fused.qdq_fusion_stats();
  EXPECT_EQ(s.fused_convs, 2);
  EXPECT_EQ(s.fused_gemms, 1);
  EXPECT_EQ(s.fused_adds, 1);
  EXPECT_EQ(s.quantized_passthroughs, 1);  // the Flatten
  const at::Tensor x = at::randn({3, 4, 8, 8});
  const Diff d =
      steps_apart(fused.run({x})[0], Executor::load(path, {.fusion = false}).run({x})[0], output_scale(qdq, "y"));
  EXPECT_LE(d.max_steps, 1);
  EXPECT_LE(d.share_off, 0.05);
}

// The logits as the last Gemm's float output: that Gemm stays float, its
// weight and bias dequantized once at load.
TEST(OnnxExecQdq, FloatOutputGemmGetsConstantWeights) {
  at::manual_seed(12);
  const onnx::ModelProto qdq =
      make_qdq_model(small_cnn(), {at::rand({8, 3, 12, 12})}, {.per_channel = true, .float_outputs = true});
  TempDir dir;
  const fs::path path = save(qdq, dir.path(), "float_logits");
  const Executor fused = Executor::load(path);
  const QdqFusionStats& s = fused.qdq_fusion_stats();
  EXPECT_EQ(s.fused_convs, 2);
  EXPECT_EQ(s.fused_gemms, 1);                      // the MatMul + Add stays float
  EXPECT_EQ(s.folded_constant_dequantizations, 2);  // its weight and bias
  const at::Tensor x = at::rand({4, 3, 12, 12});
  EXPECT_TRUE(at::allclose(fused.run({x})[0], Executor::load(path, {.fusion = false}).run({x})[0], 1e-4, 1e-4));
}

// QLinearAdd with broadcasting (the general path) and a Relu, whose output
// range leaves room below zero so the Relu shows.
TEST(OnnxExecQdq, BroadcastAddWithRelu) {
  OnnxGraphBuilder g("add", 13);
  g.add_input("a", DType::Float32, {-1, 4, 5, 5});
  g.add_input("b", DType::Float32, {-1, 4, 1, 1});
  g.add_node("Add", {"a", "b"}, {"s"});
  g.add_node("Relu", {"s"}, {"y"});
  g.add_output("y", DType::Float32, {-1, 4, 5, 5});
  at::manual_seed(13);
  for (const bool int8 : {false, true}) {
    onnx::ModelProto qdq =
        make_qdq_model(g.model(), {at::randn({6, 4, 5, 5}), at::randn({6, 4, 1, 1})}, {.int8_activations = int8});
    widen_output_range(qdq, int8);
    TempDir dir;
    const fs::path path = save(qdq, dir.path(), "add");
    const Executor fused = Executor::load(path);
    EXPECT_EQ(fused.qdq_fusion_stats().fused_adds, 1);
    EXPECT_EQ(fused.qdq_fusion_stats().fused_activations, 1);
    const std::vector<at::Tensor> in = {at::randn({2, 4, 5, 5}), at::randn({2, 4, 1, 1})};
    const at::Tensor y = fused.run(in)[0];
    const Diff d = steps_apart(y, Executor::load(path, {.fusion = false}).run(in)[0], output_scale(qdq, "y"));
    EXPECT_LE(d.max_steps, 1) << (int8 ? "s8" : "u8");
    EXPECT_GE(y.min().item<float>(), 0.0f);
  }
}

// Requantizing with the parameters a tensor already has is a no-op: the
// DQ -> Q pair goes; with another scale it must stay.
TEST(OnnxExecQdq, RequantizationWithIdenticalParametersIsRemoved) {
  for (const bool identical : {true, false}) {
    onnx::ModelProto m = conv_relu_qdq();
    auto* g = m.mutable_graph();
    std::string scale = "x_scale";
    if (!identical) {
      auto* s2 = g->add_initializer();
      *s2 = [&] {
        for (const auto& init : g->initializer()) {
          if (init.name() == "x_scale") return init;
        }
        return onnx::TensorProto();
      }();
      float v = 0;
      std::memcpy(&v, s2->raw_data().data(), sizeof v);
      v *= 2;
      s2->set_raw_data(std::string(reinterpret_cast<const char*>(&v), sizeof v));
      s2->set_name(scale = "x_scale_2");
    }
    for (auto& n : *g->mutable_node()) {
      for (auto& in : *n.mutable_input()) {
        if (n.op_type() == "Conv" && in == "x_dq") in = "x_dq2";
      }
    }
    auto* q = g->add_node();
    q->set_op_type("QuantizeLinear");
    for (const char* in : {"x_dq", scale.c_str(), "x_zp"}) q->add_input(in);
    q->add_output("x_q2");
    auto* dq = g->add_node();
    dq->set_op_type("DequantizeLinear");
    for (const char* in : {"x_q2", scale.c_str(), "x_zp"}) dq->add_input(in);
    dq->add_output("x_dq2");

    TempDir dir;
    const fs::path path = save(m, dir.path(), "requantized");
    const Executor fused = Executor::load(path);
    EXPECT_EQ(fused.qdq_fusion_stats().removed_requantizations, identical ? 1 : 0);
    // With another input scale, the int32 bias no longer fits s_x * s_w: the Conv stays float.
    EXPECT_EQ(fused.qdq_fusion_stats().fused_convs, identical ? 1 : 0);
    const at::Tensor x = at::randn({2, 3, 9, 10});
    const Diff d =
        steps_apart(fused.run({x})[0], Executor::load(path, {.fusion = false}).run({x})[0], output_scale(m, "y"));
    EXPECT_LE(d.max_steps, 1) << (identical ? "identical" : "different") << " parameters";
  }
}

// Some quantizers leave out the bias DequantizeLinear's zero point (0).
TEST(OnnxExecQdq, BiasWithoutZeroPointIsFused) {
  onnx::ModelProto m = conv_relu_qdq();
  int stripped = 0;
  for (auto& n : *m.mutable_graph()->mutable_node()) {
    if (n.op_type() == "DequantizeLinear" && n.output(0) == "b_dq") {
      n.mutable_input()->RemoveLast();
      ++stripped;
    }
  }
  ASSERT_EQ(stripped, 1);
  TempDir dir;
  const fs::path path = save(m, dir.path(), "bias_no_zp");
  const Executor fused = Executor::load(path);
  EXPECT_EQ(fused.qdq_fusion_stats().fused_convs, 1);
  const at::Tensor x = at::randn({2, 3, 9, 10});
  const Diff d =
      steps_apart(fused.run({x})[0], Executor::load(path, {.fusion = false}).run({x})[0], output_scale(m, "y"));
  EXPECT_LE(d.max_steps, 1);
}

// A quantized Gemm whose input is not 2-D (MatMul on [N, T, K]) runs on the
// integer fallback kernel, its Relu as a clamp on the quantized result.
TEST(OnnxExecQdq, BatchedMatMulRunsOnTheIntegerFallback) {
  OnnxGraphBuilder g("matmul3d", 13);
  g.add_input("x", DType::Float32, {-1, 4, 16});
  add_random(g, "w", {16, 8}, 0.3f);
  add_random(g, "b", {8}, 0.2f);
  g.add_node("MatMul", {"x", "w"}, {"m"});
  g.add_node("Add", {"m", "b"}, {"a"});
  g.add_node("Relu", {"a"}, {"y"});
  g.add_output("y", DType::Float32, {-1, 4, 8});
  at::manual_seed(5);
  onnx::ModelProto qdq = make_qdq_model(g.model(), {at::randn({3, 4, 16})}, {.per_channel = true});
  // The calibrated output range starts at 0, where saturation alone would do
  // the Relu's work: a zero point of 100 leaves room below it.
  for (auto& init : *qdq.mutable_graph()->mutable_initializer()) {
    if (init.name() == "y_float_zp") init.set_raw_data(std::string(1, static_cast<char>(100)));
  }
  TempDir dir;
  const fs::path path = save(qdq, dir.path(), "matmul3d");
  const Executor fused = Executor::load(path);
  EXPECT_EQ(fused.qdq_fusion_stats().fused_gemms, 1);
  EXPECT_EQ(fused.qdq_fusion_stats().fused_activations, 1);  // clamped on the integers
  const at::Tensor x = at::randn({2, 4, 16});
  const at::Tensor y = fused.run({x})[0];
  const Diff d = steps_apart(y, Executor::load(path, {.fusion = false}).run({x})[0], output_scale(qdq, "y"));
  EXPECT_LE(d.max_steps, 1);
  EXPECT_GE(y.min().item<float>(), 0.0f);
}

// Gemm with B [K, N] (transB = 0): per-channel along axis 1, stored
// transposed in the fused node.
TEST(OnnxExecQdq, GemmWithUntransposedWeight) {
  OnnxGraphBuilder g("gemm", 13);
  g.add_input("x", DType::Float32, {-1, 24});
  add_random(g, "w", {24, 7}, 0.3f);
  add_random(g, "b", {7}, 0.2f);
  g.add_node("Gemm", {"x", "w", "b"}, {"m"});
  g.add_node("Relu", {"m"}, {"y"});
  g.add_output("y", DType::Float32, {-1, 7});
  at::manual_seed(6);
  for (const bool per_channel : {false, true}) {
    const onnx::ModelProto qdq = make_qdq_model(g.model(), {at::randn({16, 24})}, {.per_channel = per_channel});
    TempDir dir;
    const fs::path path = save(qdq, dir.path(), "gemm");
    const Executor fused = Executor::load(path);
    EXPECT_EQ(fused.qdq_fusion_stats().fused_gemms, 1);
    EXPECT_EQ(fused.qdq_fusion_stats().fused_activations, 1);
    for (std::int64_t batch : {1, 9}) {
      const at::Tensor x = at::randn({batch, 24});
      const Diff d =
          steps_apart(fused.run({x})[0], Executor::load(path, {.fusion = false}).run({x})[0], output_scale(qdq, "y"));
      EXPECT_LE(d.max_steps, 1) << (per_channel ? "per channel" : "per tensor") << ", batch " << batch;
    }
  }
}

// Threads sharing one Executor each get their own cached int8 primitives.
TEST(OnnxExecQdq, ConcurrentRunsGiveTheSingleThreadedResult) {
  at::manual_seed(4);
  const onnx::ModelProto qdq = make_qdq_model(small_cnn(), {at::rand({8, 3, 12, 12})}, {});
  TempDir dir;
  const Executor e = Executor::load(save(qdq, dir.path(), "shared"));
  const at::Tensor x = at::rand({2, 3, 12, 12});
  const at::Tensor expected = e.run({x})[0];
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) mismatches[t] += at::equal(e.run({x})[0], expected) ? 0 : 1;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(OnnxExecQdq, WrongInputTypeIsRefusedByName) {
  TempDir dir;
  const fs::path path = save(conv_relu_qdq(), dir.path(), "typed");
  const Executor e = Executor::load(path);
  const std::string msg = error_of<ConfigError>([&] { e.run({at::zeros({1, 3, 9, 10}, at::kByte)}); });
  EXPECT_HAS(msg, "input 'x' must be Float");
  EXPECT_HAS(msg, "Byte");
}

// The oneDNN int8 convolution itself, against integer arithmetic done in
// double (exact for these sizes): u8 and s8 sources, per-tensor and
// per-channel scales, zero points, bias, Relu: oneDNN's int8 convolution with
// VNNI, its float one on the integers without (int8_conv_path.h).
TEST(OnnxExecQdq, DirectInt8ConvolutionMatchesIntegerArithmetic) {
  if (!direct_conv_available()) GTEST_SKIP() << "built without oneDNN";
  at::manual_seed(9);
  for (const at::ScalarType src : {at::kByte, at::kChar}) {
    for (const bool per_channel : {false, true}) {
      for (const bool relu : {false, true}) {
        const std::int64_t oc = 12;
        const at::Tensor w = at::randint(-127, 128, {oc, 5, 3, 3}).to(at::kChar);
        const at::Tensor bias = at::randint(-3000, 3000, {oc}).to(at::kInt);
        const int lo = src == at::kByte ? 0 : -128;
        const at::Tensor x = at::randint(lo, lo + 256, {2, 5, 8, 7}).to(src);
        const std::int32_t x_zp = lo + 100, y_zp = lo + 30;
        DirectConvParams p;
        p.weight = w;
        p.pads[0] = p.pads[1] = p.pads[2] = p.pads[3] = 1;
        DirectConvParams::Quantized q;
        q.src = src;
        q.dst = src;
        q.src_zero_point = x_zp;
        q.dst_zero_point = y_zp;
        for (std::int64_t c = 0; c < (per_channel ? oc : 1); ++c) q.output_scales.push_back(0.0004f * (c + 3));
        p.quantized = q;
        p.fused = relu;
        p.activation_max = std::numeric_limits<float>::infinity();
        // oneDNN's own int8 convolution only with VNNI: without, its int16 sums saturate.
        EXPECT_EQ(static_cast<bool>(make_direct_conv(p)), direct_int8_conv_exact()) << c10::toString(src);
        const auto path = Int8ConvPath::make(p);
        ASSERT_TRUE(path) << c10::toString(src);
        EXPECT_EQ(path->emulated(), !direct_int8_conv_exact());
        const at::Tensor y = path->run(x, w, bias);
        ASSERT_TRUE(y.defined()) << "oneDNN refused the " << c10::toString(src) << " convolution";
        ASSERT_EQ(y.scalar_type(), src);

        const at::Tensor xs = x.to(at::kDouble) - x_zp;  // padding: zero after the zero point
        at::Tensor acc = at::conv2d(xs, w.to(at::kDouble), bias.to(at::kDouble), 1, 1);
        const at::Tensor scales = at::tensor(q.output_scales).to(at::kDouble).reshape({-1, 1, 1});
        at::Tensor v = at::round(acc * scales);
        if (relu) v = v.clamp_min(0);
        const at::Tensor expected = (v + y_zp).clamp(lo, lo + 255);
        EXPECT_LE((y.to(at::kDouble) - expected).abs().max().item<double>(), 1)
            << c10::toString(src) << (per_channel ? " per channel" : " per tensor") << (relu ? " relu" : "");
      }
    }
  }
}
