// The executor's load-time fusion (src/onnx_exec/fusion.h): Conv +
// BatchNormalization + Relu/Clip runs as one Conv and gives the same result
// as the unfused ops computed directly with ATen; nothing is fused where an
// intermediate is observable.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "onnx_exec/executor.h"
#include "onnx/onnx_graph_builder.h"

namespace fs = std::filesystem;
using namespace kenning;
using namespace kenning::onnx_exec;

namespace {

std::vector<float> values_of(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

struct ConvBnModel {
  at::Tensor w = at::randn({8, 3, 3, 3});
  at::Tensor b = at::randn({8});
  at::Tensor scale = at::rand({8}) + 0.5;
  at::Tensor shift = at::randn({8});
  at::Tensor mean = at::randn({8});
  at::Tensor var = at::rand({8}) + 0.1;

  // x -> Conv -> BN -> activation -> y; `conv_is_output` also exposes the Conv's result.
  fs::path save(const fs::path& dir, const std::string& activation, bool conv_is_output) const {
    OnnxGraphBuilder g("conv_bn", 13);
    g.add_input("x", DType::Float32, {-1, 3, 10, 10});
    g.add_initializer("w", values_of(w), {8, 3, 3, 3});
    g.add_initializer("b", values_of(b), {8});
    g.add_initializer("scale", values_of(scale), {8});
    g.add_initializer("shift", values_of(shift), {8});
    g.add_initializer("mean", values_of(mean), {8});
    g.add_initializer("var", values_of(var), {8});
    g.add_node("Conv", {"x", "w", "b"}, {"c"}, {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}});
    g.add_node("BatchNormalization", {"c", "scale", "shift", "mean", "var"}, {"n"}, {{"epsilon", 1e-3f}});
    if (activation == "Clip") {
      const float lo = 0, hi = 0.5f;
      g.add_initializer("lo", std::span<const float>(&lo, 1), {});
      g.add_initializer("hi", std::span<const float>(&hi, 1), {});
      g.add_node("Clip", {"n", "lo", "hi"}, {"y"});
    } else {
      g.add_node(activation, {"n"}, {"y"});
    }
    g.add_output("y", DType::Float32, {-1, 8, 10, 10});
    if (conv_is_output) g.add_output("c", DType::Float32, {-1, 8, 10, 10});
    const fs::path path = dir / ("conv_bn_" + activation + (conv_is_output ? "_exposed" : "") + ".onnx");
    g.save(path);
    return path;
  }

  at::Tensor conv(const at::Tensor& x) const { return at::conv2d(x, w, b, 1, 1); }
  at::Tensor reference(const at::Tensor& x, const std::string& activation) const {
    const at::Tensor n = at::batch_norm(conv(x), scale, shift, mean, var, false, 0.0, 1e-3, false);
    return activation == "Clip" ? n.clamp(0, 0.5) : at::relu(n);
  }
};

class FusionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    at::manual_seed(3);
    dir_ = fs::temp_directory_path() / ("kenning_fusion_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FusionTest, ConvBatchNormReluRunsAsOneConvWithTheSameResult) {
  const ConvBnModel m;
  const Executor e = Executor::load(m.save(dir_, "Relu", false));
  EXPECT_EQ(e.fusion_stats().folded_batch_norms, 1);
  EXPECT_EQ(e.fusion_stats().fused_activations, 1);
  const at::Tensor x = at::randn({2, 3, 10, 10});
  const at::Tensor y = e.run({x})[0];
  const at::Tensor want = m.reference(x, "Relu");
  EXPECT_TRUE(at::allclose(y, want, 1e-4, 1e-5)) << (y - want).abs().max().item<float>();
  EXPECT_GT((want == 0).sum().item<std::int64_t>(), 0) << "the test needs clipped values";
}

TEST_F(FusionTest, ConstantClipAfterConvIsFused) {
  const ConvBnModel m;
  const Executor e = Executor::load(m.save(dir_, "Clip", false));
  EXPECT_EQ(e.fusion_stats().fused_activations, 1);
  const at::Tensor x = at::randn({1, 3, 10, 10});
  const at::Tensor y = e.run({x})[0];
  EXPECT_TRUE(at::allclose(y, m.reference(x, "Clip"), 1e-4, 1e-5));
  EXPECT_FLOAT_EQ(y.max().item<float>(), 0.5f);
}

TEST_F(FusionTest, NothingIsFusedWhenTheConvOutputIsAGraphOutput) {
  const ConvBnModel m;
  const Executor e = Executor::load(m.save(dir_, "Relu", true));
  EXPECT_EQ(e.fusion_stats().folded_batch_norms, 0);
  EXPECT_EQ(e.fusion_stats().fused_activations, 0);
  const at::Tensor x = at::randn({1, 3, 10, 10});
  const auto out = e.run({x});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(at::allclose(out[0], m.reference(x, "Relu"), 1e-4, 1e-5));
  EXPECT_TRUE(at::allclose(out[1], m.conv(x), 1e-4, 1e-5));
}

TEST_F(FusionTest, CastsOfConstantsAreDoneAtLoad) {
  // Float16-compressed weights: float32 -> Cast(FLOAT16) -> Cast(FLOAT) -> Conv.
  const at::Tensor w = at::randn({4, 3, 3, 3});
  OnnxGraphBuilder g("cast_weights", 13);
  g.add_input("x", DType::Float32, {1, 3, 6, 6});
  g.add_initializer("w", values_of(w), {4, 3, 3, 3});
  g.add_node("Cast", {"w"}, {"w16"}, {{"to", std::int64_t{10}}});   // FLOAT16
  g.add_node("Cast", {"w16"}, {"w32"}, {{"to", std::int64_t{1}}});  // FLOAT
  g.add_node("Conv", {"x", "w32"}, {"y"});
  g.add_output("y", DType::Float32, {1, 4, 4, 4});
  const fs::path path = dir_ / "cast_weights.onnx";
  g.save(path);
  const Executor e = Executor::load(path);
  EXPECT_EQ(e.fusion_stats().folded_constant_casts, 2);
  const at::Tensor x = at::randn({1, 3, 6, 6});
  const at::Tensor want = at::conv2d(x, w.to(at::kHalf).to(at::kFloat));
  EXPECT_TRUE(at::allclose(e.run({x})[0], want, 1e-4, 1e-5));
}

}  // namespace
