// The direct oneDNN convolution path (src/onnx_exec/onednn_conv.h) against
// at::conv2d: depthwise, grouped, strided, dilated, padded (also
// asymmetrically) and 1x1 convolutions, with and without bias and a fused
// Relu/Clip, at batch 1 and 3; its per-shape cache; and, through the
// Executor, that a constant weight takes the direct path while a weight fed
// at run time still gets the right answer. Skips when built without oneDNN.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "onnx_exec/executor.h"
#include "onnx_exec/onednn_conv.h"
#include "onnx/onnx_graph_builder.h"

namespace fs = std::filesystem;
using namespace kenning;
using namespace kenning::onnx_exec;

namespace {

using Ints = std::vector<std::int64_t>;

enum class Act { None, Relu, Clip };

struct Case {
  std::string name;
  std::int64_t in_c, out_c, group, kh, kw;
  Ints strides, dilations, pads;  // pads: top, left, bottom, right
  std::int64_t h, w;
  Act act;
  bool bias;
};

std::vector<Case> cases() {
  return {
      {"plain3x3", 3, 8, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, 10, 9, Act::None, true},
      {"plain3x3_relu", 3, 8, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, 10, 9, Act::Relu, true},
      {"depthwise", 16, 16, 16, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, 12, 12, Act::Clip, true},
      {"depthwise_strided", 32, 32, 32, 3, 3, {2, 2}, {1, 1}, {1, 1, 1, 1}, 15, 14, Act::Relu, false},
      {"depthwise_multiplier", 8, 16, 8, 3, 3, {1, 1}, {1, 1}, {0, 0, 0, 0}, 9, 9, Act::None, true},
      {"grouped", 12, 18, 3, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, 11, 8, Act::Clip, true},
      {"strided", 4, 6, 1, 3, 3, {2, 3}, {1, 1}, {0, 0, 0, 0}, 13, 17, Act::None, true},
      {"dilated", 5, 7, 1, 3, 3, {1, 1}, {2, 3}, {2, 3, 2, 3}, 14, 15, Act::Relu, true},
      {"padded_asymmetric", 3, 5, 1, 4, 2, {1, 2}, {1, 1}, {0, 1, 2, 0}, 9, 10, Act::None, false},
      {"pointwise", 24, 40, 1, 1, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}, 7, 7, Act::Clip, true},
      {"pointwise_relu_nobias", 40, 24, 1, 1, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}, 7, 7, Act::Relu, false},
      {"large_kernel", 2, 3, 1, 5, 7, {1, 1}, {1, 1}, {2, 3, 2, 3}, 8, 12, Act::None, true},
  };
}

constexpr float kClipLo = -0.25f, kClipHi = 0.5f;

DirectConvParams params_of(const Case& c, const at::Tensor& w) {
  DirectConvParams p;
  p.weight = w;
  p.group = c.group;
  for (int i = 0; i < 2; ++i) {
    p.strides[i] = c.strides[i];
    p.dilations[i] = c.dilations[i];
  }
  for (int i = 0; i < 4; ++i) p.pads[i] = c.pads[i];
  p.fused = c.act != Act::None;
  p.activation_min = c.act == Act::Relu ? 0.0f : kClipLo;
  p.activation_max = c.act == Act::Relu ? std::numeric_limits<float>::infinity() : kClipHi;
  return p;
}

at::Tensor reference(const Case& c, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  // ATen pads symmetrically only: pad explicitly (left, right, top, bottom).
  const at::Tensor padded = at::constant_pad_nd(x, {c.pads[1], c.pads[3], c.pads[0], c.pads[2]}, 0.0);
  at::Tensor y = at::conv2d(padded, w, b, c.strides, Ints{0, 0}, c.dilations, c.group);
  if (c.act == Act::Relu) y = at::relu(y);
  if (c.act == Act::Clip) y = y.clamp(kClipLo, kClipHi);
  return y;
}

void expect_close(const at::Tensor& got, const at::Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << ": the direct path declined";
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  EXPECT_TRUE(at::allclose(got, want, 1e-4, 1e-4))
      << what << ": max abs diff " << (got - want).abs().max().item<float>();
}

class DirectConvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!direct_conv_available()) GTEST_SKIP() << "built without oneDNN (libdnnl-dev)";
    at::manual_seed(11);
  }
};

TEST_F(DirectConvTest, MatchesAtenConv2d) {
  for (const Case& c : cases()) {
    const at::Tensor w = at::randn({c.out_c, c.in_c / c.group, c.kh, c.kw});
    const at::Tensor b = c.bias ? at::randn({c.out_c}) : at::Tensor();
    auto conv = make_direct_conv(params_of(c, w));
    ASSERT_TRUE(conv) << c.name;
    for (std::int64_t batch : {1, 3}) {
      // Channels-last (as the previous conv leaves it) and plain NCHW input.
      const at::Tensor x = at::randn({batch, c.in_c, c.h, c.w});
      const at::Tensor want = reference(c, x, w, b);
      const std::string what = c.name + " batch " + std::to_string(batch);
      expect_close(run_direct_conv(*conv, x, w, b), want, what + " NCHW input");
      const at::Tensor y = run_direct_conv(*conv, x.contiguous(at::MemoryFormat::ChannelsLast), w, b);
      expect_close(y, want, what + " NHWC input");
      EXPECT_TRUE(y.is_contiguous(at::MemoryFormat::ChannelsLast)) << what;
      if (c.act != Act::None) {
        EXPECT_GT((want == (c.act == Act::Relu ? 0.0f : kClipLo)).sum().item<std::int64_t>(), 0)
            << what << ": the case needs clipped values";
      }
    }
    EXPECT_EQ(direct_conv_cache_size(*conv), 2u) << c.name << ": one entry per batch size";
  }
}

TEST_F(DirectConvTest, CacheIsKeyedByInputShape) {
  const Case c = cases()[2];  // depthwise with Clip
  const at::Tensor w = at::randn({c.out_c, 1, 3, 3});
  const at::Tensor b = at::randn({c.out_c});
  auto conv = make_direct_conv(params_of(c, w));
  ASSERT_TRUE(conv);
  const at::Tensor a = at::randn({1, c.in_c, 12, 12});
  const at::Tensor big = at::randn({2, c.in_c, 20, 17});
  for (int round = 0; round < 3; ++round) {
    for (const at::Tensor* x : {&a, &big}) {
      expect_close(run_direct_conv(*conv, *x, w, b), reference(c, *x, w, b),
                   "round " + std::to_string(round) + " shape " + std::to_string(x->size(2)));
    }
  }
  EXPECT_EQ(direct_conv_cache_size(*conv), 2u);
}

TEST_F(DirectConvTest, AutoPadSame) {
  Case c = cases()[6];  // strided 3x3
  const at::Tensor w = at::randn({c.out_c, c.in_c, 3, 3});
  DirectConvParams p = params_of(c, w);
  p.auto_pad = DirectConvParams::AutoPad::SameUpper;
  auto conv = make_direct_conv(p);
  ASSERT_TRUE(conv);
  const at::Tensor x = at::randn({1, c.in_c, c.h, c.w});
  // SAME_UPPER with strides (2, 3) on 13x17: outputs 7x6, total pads 2 and 1.
  c.pads = {1, 0, 1, 1};
  expect_close(run_direct_conv(*conv, x, w, at::Tensor()), reference(c, x, w, at::Tensor()), "SAME_UPPER");
}

TEST_F(DirectConvTest, DeclinesAnotherWeightTensor) {
  const Case c = cases()[0];
  const at::Tensor w = at::randn({c.out_c, c.in_c, 3, 3});
  auto conv = make_direct_conv(params_of(c, w));
  ASSERT_TRUE(conv);
  const at::Tensor x = at::randn({1, c.in_c, c.h, c.w});
  EXPECT_FALSE(run_direct_conv(*conv, x, w.clone(), at::Tensor()).defined());
  EXPECT_FALSE(run_direct_conv(*conv, x.to(at::kDouble), w, at::Tensor()).defined());
  EXPECT_TRUE(run_direct_conv(*conv, x, w, at::Tensor()).defined());
}

TEST_F(DirectConvTest, ConcurrentCallsGetTheirOwnEntries) {
  const Case c = cases()[5];  // grouped with Clip
  const at::Tensor w = at::randn({c.out_c, c.in_c / c.group, 3, 3});
  const at::Tensor b = at::randn({c.out_c});
  auto conv = make_direct_conv(params_of(c, w));
  ASSERT_TRUE(conv);
  const at::Tensor x = at::randn({2, c.in_c, c.h, c.w});
  const at::Tensor want = reference(c, x, w, b);
  std::vector<int> bad(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      c10::InferenceMode guard;
      for (int i = 0; i < 50; ++i) {
        const at::Tensor y = run_direct_conv(*conv, x, w, b);
        if (!y.defined() || !at::allclose(y, want, 1e-4, 1e-4)) ++bad[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
  EXPECT_GE(direct_conv_cache_size(*conv), 1u);
  EXPECT_LE(direct_conv_cache_size(*conv), 4u);
}

// Through the Executor: Conv -> Relu fused, weight as initializer (direct
// path) or as a graph input (ATen path), at two input shapes, repeatedly.
class DirectConvExecutorTest : public DirectConvTest {
 protected:
  void SetUp() override {
    DirectConvTest::SetUp();
    if (IsSkipped()) return;
    dir_ = fs::temp_directory_path() / ("kenning_direct_conv_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path save(bool constant_weight, const at::Tensor& w, const at::Tensor& b) {
    OnnxGraphBuilder g("direct_conv", 13);
    g.add_input("x", DType::Float32, {-1, 6, -1, -1});
    const at::Tensor wc = w.contiguous(), bc = b.contiguous();
    if (constant_weight) {
      g.add_initializer("w", std::span<const float>(wc.data_ptr<float>(), wc.numel()), {6, 2, 3, 3});
    } else {
      g.add_input("w", DType::Float32, {6, 2, 3, 3});
    }
    g.add_initializer("b", std::span<const float>(bc.data_ptr<float>(), bc.numel()), {6});
    g.add_node("Conv", {"x", "w", "b"}, {"c"},
               {{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}, {"group", std::int64_t{3}}});
    g.add_node("Relu", {"c"}, {"y"});
    g.add_output("y", DType::Float32, {-1, 6, -1, -1});
    const fs::path path = dir_ / (constant_weight ? "constant.onnx" : "fed.onnx");
    g.save(path);
    return path;
  }
  fs::path dir_;
};

TEST_F(DirectConvExecutorTest, ConstantAndFedWeightsAgreeWithAten) {
  const at::Tensor w = at::randn({6, 2, 3, 3});
  const at::Tensor b = at::randn({6});
  const Executor constant = Executor::load(save(true, w, b));
  const Executor fed = Executor::load(save(false, w, b));
  EXPECT_EQ(constant.fusion_stats().fused_activations, 1);
  const at::Tensor x1 = at::randn({1, 6, 16, 16});
  const at::Tensor x3 = at::randn({3, 6, 9, 13});
  for (int round = 0; round < 3; ++round) {
    for (const at::Tensor* x : {&x1, &x3}) {
      const at::Tensor want = at::relu(at::conv2d(*x, w, b, 2, 1, 1, 3));
      const std::string what = "round " + std::to_string(round) + " batch " + std::to_string(x->size(0));
      expect_close(constant.run({*x})[0], want, what + " constant weight");
      expect_close(fed.run({*x, w})[0], want, what + " fed weight");
      // A different fed weight must not reuse anything cached for another.
      const at::Tensor w2 = w * 2;
      expect_close(fed.run({*x, w2})[0], at::relu(at::conv2d(*x, w2, b, 2, 1, 1, 3)), what + " fed weight x2");
    }
  }
}

}  // namespace

// Gemm with a constant B runs as a 1x1 convolution on the direct path, with a
// constant C folded in as its bias when alpha = beta = 1.
TEST_F(DirectConvExecutorTest, GemmWithConstantWeight) {
  const at::Tensor b = at::randn({5, 7});  // [N, K] with transB = 1
  const at::Tensor c = at::randn({5});
  for (const auto& [trans_b, alpha] : {std::pair{1, 1.0f}, std::pair{0, 1.0f}, std::pair{1, 0.5f}}) {
    OnnxGraphBuilder g("gemm", 13);
    g.add_input("a", DType::Float32, {-1, 7});
    const at::Tensor bb = (trans_b ? b : b.t()).contiguous();
    g.add_initializer("b", std::span<const float>(bb.data_ptr<float>(), bb.numel()), {bb.size(0), bb.size(1)});
    g.add_initializer("c", std::span<const float>(c.data_ptr<float>(), c.numel()), {5});
    g.add_node("Gemm", {"a", "b", "c"}, {"y"}, {{"transB", std::int64_t{trans_b}}, {"alpha", alpha}});
    g.add_output("y", DType::Float32, {-1, 5});
    const fs::path path = dir_ / ("gemm_" + std::to_string(trans_b) + ".onnx");
    g.save(path);
    const Executor e = Executor::load(path);
    for (std::int64_t m : {1, 4, 1}) {
      const at::Tensor a = at::randn({m, 7});
      const at::Tensor want = at::addmm(c, a, b.t(), 1.0, alpha);
      expect_close(e.run({a})[0], want,
                   "transB " + std::to_string(trans_b) + " alpha " + std::to_string(alpha) + " M " + std::to_string(m));
    }
  }
}
