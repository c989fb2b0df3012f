// The interpreter's quantization ops, Resize and ConvTranspose on small graphs
// built with OnnxGraphBuilder, checked against values worked out by hand or
// by plain integer loops written here.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "onnx/onnx_graph_builder.h"
#include "test_support.h"

using kenning::DType;
using kenning::OnnxAttributes;
using kenning::OnnxGraphBuilder;
using kenning::onnx_exec::Executor;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

// Saves the graph and runs it on `inputs`.
std::vector<at::Tensor> run(OnnxGraphBuilder& g, const TempDir& dir, const std::vector<at::Tensor>& inputs) {
  const auto path = dir.path() / "model.onnx";
  g.save(path);
  return Executor::load(path).run(inputs);
}

template <class T>
std::vector<T> values_of(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return {c.data_ptr<T>(), c.data_ptr<T>() + c.numel()};
}

template <class T>
at::Tensor tensor_of(const std::vector<T>& v, const std::vector<std::int64_t>& shape) {
  return at::tensor(at::ArrayRef<T>(v), at::CppTypeToScalarType<T>::value).reshape(shape);
}

template <class T>
std::vector<T> random_ints(std::size_t n, int lo, int hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(gen));
  return v;
}

}  // namespace

// QuantizeLinear -> DequantizeLinear: halves round to even, out-of-range saturates.
TEST(OnnxExecQuant, QuantizeDequantizeRoundTripByHand) {
  TempDir dir;
  OnnxGraphBuilder g("qdq");
  g.add_input("x", DType::Float32, {4});
  g.add_initializer("s", std::vector<float>{0.5f}, {});
  g.add_initializer("zp", std::vector<std::uint8_t>{128}, {});
  g.add_node("QuantizeLinear", {"x", "s", "zp"}, {"q"});
  g.add_node("DequantizeLinear", {"q", "s", "zp"}, {"y"});
  g.add_output("q", DType::UInt8, {4});
  g.add_output("y", DType::Float32, {4});
  // x / 0.5 = -2.5, 0.5, 1.5, 200 -> -2, 0, 2, 200 -> +128 -> 126, 128, 130, 255 (saturated)
  const auto out = run(g, dir, {tensor_of<float>({-1.25f, 0.25f, 0.75f, 100.f}, {4})});
  EXPECT_EQ(values_of<std::uint8_t>(out[0]), (std::vector<std::uint8_t>{126, 128, 130, 255}));
  EXPECT_EQ(values_of<float>(out[1]), (std::vector<float>{-1.f, 0.f, 1.f, 63.5f}));
}

TEST(OnnxExecQuant, PerAxisInt8Quantization) {
  TempDir dir;
  OnnxGraphBuilder g("per_axis");
  g.add_input("x", DType::Float32, {2, 3});
  g.add_initializer("s", std::vector<float>{1.f, 2.f, 4.f}, {3});
  g.add_initializer("zp", std::vector<std::int8_t>{0, -10, 10}, {3});
  g.add_node("QuantizeLinear", {"x", "s", "zp"}, {"y"}, {{"axis", std::int64_t{1}}});
  g.add_output("y", DType::Int8, {2, 3});
  // Column c: round(x / s[c]) + zp[c], saturated to [-128, 127].
  const auto out = run(g, dir, {tensor_of<float>({1.5f, 5.f, 2.f, -300.f, -3.f, 1000.f}, {2, 3})});
  EXPECT_EQ(values_of<std::int8_t>(out[0]), (std::vector<std::int8_t>{2, -8, 10, -128, -12, 127}));
}

// y = saturate(round_half_even(sum((a - azp)(b - bzp)) * as * bs / ys) + yzp)
TEST(OnnxExecQuant, QLinearMatMulInt8ByHand) {
  TempDir dir;
  OnnxGraphBuilder g("qmm");
  g.add_input("a", DType::Int8, {1, 2});
  g.add_initializer("as", std::vector<float>{0.5f}, {});
  g.add_initializer("azp", std::vector<std::int8_t>{1}, {});
  g.add_initializer("b", std::vector<std::int8_t>{3, -2, 4, 100}, {2, 2});
  g.add_initializer("bs", std::vector<float>{0.25f}, {});
  g.add_initializer("bzp", std::vector<std::int8_t>{0}, {});
  g.add_initializer("ys", std::vector<float>{1.f}, {});
  g.add_initializer("yzp", std::vector<std::int8_t>{-1}, {});
  g.add_node("QLinearMatMul", {"a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"}, {"y"});
  g.add_output("y", DType::Int8, {1, 2});
  // a - azp = [2, 5]; acc = [2*3 + 5*4, 2*-2 + 5*100] = [26, 496]; * 0.125 = [3.25, 62]
  const auto out = run(g, dir, {tensor_of<std::int8_t>({3, 6}, {1, 2})});
  EXPECT_EQ(values_of<std::int8_t>(out[0]), (std::vector<std::int8_t>{2, 61}));
}

namespace {

struct QConvCase {
  std::int64_t c, m, group, h, w, k, stride, dilation;
  std::vector<std::int64_t> pads;  // top, left, bottom, right (what auto_pad must resolve to)
  std::string auto_pad = "NOTSET";
};

// QLinearConv with per-output-channel weight scales and zero points, checked
// against integer loops.
void check_qlinear_conv(const QConvCase& p) {
  TempDir dir;
  const std::int64_t cg = p.c / p.group, mg = p.m / p.group;
  const auto x = random_ints<std::uint8_t>(p.c * p.h * p.w, 0, 255, 1);
  const auto w = random_ints<std::int8_t>(p.m * cg * p.k * p.k, -128, 127, 2);
  const auto bias = random_ints<std::int32_t>(p.m, -2000, 2000, 3);
  const auto w_zp = random_ints<std::int8_t>(p.m, -5, 5, 4);
  std::vector<float> w_scale;
  for (std::int64_t i = 0; i < p.m; ++i) w_scale.push_back(0.002f * static_cast<float>(i + 1));
  const float x_scale = 0.05f, y_scale = 0.3f;
  const std::uint8_t x_zp = 120, y_zp = 100;

  OnnxGraphBuilder g("qconv", 10);
  g.add_input("x", DType::UInt8, {1, p.c, p.h, p.w});
  g.add_initializer("xs", std::vector<float>{x_scale}, {});
  g.add_initializer("xzp", std::vector<std::uint8_t>{x_zp}, {});
  g.add_initializer("w", w, {p.m, cg, p.k, p.k});
  g.add_initializer("ws", w_scale, {p.m});
  g.add_initializer("wzp", w_zp, {p.m});
  g.add_initializer("ys", std::vector<float>{y_scale}, {});
  g.add_initializer("yzp", std::vector<std::uint8_t>{y_zp}, {});
  g.add_initializer("B", bias, {p.m});
  OnnxAttributes attrs = {{"group", p.group},
                          {"strides", std::vector<std::int64_t>{p.stride, p.stride}},
                          {"dilations", std::vector<std::int64_t>{p.dilation, p.dilation}}};
  if (p.auto_pad == "NOTSET")
    attrs.emplace_back("pads", p.pads);
  else
    attrs.emplace_back("auto_pad", p.auto_pad);
  g.add_node("QLinearConv", {"x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp", "B"}, {"y"}, attrs);
  const std::int64_t span = (p.k - 1) * p.dilation + 1;
  const std::int64_t oh = (p.h + p.pads[0] + p.pads[2] - span) / p.stride + 1;
  const std::int64_t ow = (p.w + p.pads[1] + p.pads[3] - span) / p.stride + 1;
  g.add_output("y", DType::UInt8, {1, p.m, oh, ow});

  std::vector<std::uint8_t> want;
  for (std::int64_t m = 0; m < p.m; ++m) {
    const std::int64_t grp = m / mg;
    for (std::int64_t y = 0; y < oh; ++y) {
      for (std::int64_t xo = 0; xo < ow; ++xo) {
        std::int32_t acc = bias[m];
        for (std::int64_t c = 0; c < cg; ++c) {
          for (std::int64_t i = 0; i < p.k; ++i) {
            for (std::int64_t j = 0; j < p.k; ++j) {
              const std::int64_t r = y * p.stride - p.pads[0] + i * p.dilation;
              const std::int64_t s = xo * p.stride - p.pads[1] + j * p.dilation;
              if (r < 0 || r >= p.h || s < 0 || s >= p.w) continue;
              const std::int32_t xv = x[((grp * cg + c) * p.h + r) * p.w + s] - x_zp;
              const std::int32_t wv = w[((m * cg + c) * p.k + i) * p.k + j] - w_zp[m];
              acc += xv * wv;
            }
          }
        }
        const float mult = x_scale * w_scale[m] / y_scale;
        const float q = std::nearbyint(static_cast<float>(acc) * mult) + y_zp;
        want.push_back(static_cast<std::uint8_t>(std::min(255.f, std::max(0.f, q))));
      }
    }
  }
  const auto out = run(g, dir, {tensor_of<std::uint8_t>(x, {1, p.c, p.h, p.w})});
  ASSERT_EQ(out[0].sizes(), (std::vector<std::int64_t>{1, p.m, oh, ow}));
  EXPECT_EQ(values_of<std::uint8_t>(out[0]), want);
}

}  // namespace

TEST(OnnxExecQuant, QLinearConvPerChannelPadded) { check_qlinear_conv({3, 4, 1, 6, 5, 3, 1, 1, {1, 1, 1, 1}}); }

TEST(OnnxExecQuant, QLinearConvGroupedStridedDilatedAsymmetricPads) {
  check_qlinear_conv({4, 6, 2, 9, 8, 3, 2, 2, {1, 2, 2, 0}});
}

TEST(OnnxExecQuant, QLinearConvSamePadding) {
  // 5x6 input, 3x3 kernel, stride 2 -> 3x3 output: total padding 2 (rows), 1 (columns).
  check_qlinear_conv({2, 2, 1, 5, 6, 3, 2, 1, {1, 0, 1, 1}, "SAME_UPPER"});
  check_qlinear_conv({2, 2, 1, 5, 6, 3, 2, 1, {1, 1, 1, 0}, "SAME_LOWER"});
}

namespace {

// Resize of a [1, 1, 1, 2] input to width 4 with asymmetric coordinates:
// outputs map to x = 0, 0.5, 1, 1.5 (1.5 clamps to the last input).
std::vector<float> resize_nearest_asymmetric(const std::string& nearest_mode) {
  TempDir dir;
  OnnxGraphBuilder g("resize");
  g.add_input("x", DType::Float32, {1, 1, 1, 2});
  g.add_initializer("scales", std::vector<float>{1, 1, 1, 2}, {4});
  g.add_node("Resize", {"x", "", "scales"}, {"y"},
             {{"mode", std::string("nearest")},
              {"coordinate_transformation_mode", std::string("asymmetric")},
              {"nearest_mode", nearest_mode}});
  g.add_output("y", DType::Float32, {1, 1, 1, 4});
  return values_of<float>(run(g, dir, {tensor_of<float>({10.f, 20.f}, {1, 1, 1, 2})})[0]);
}

}  // namespace

TEST(OnnxExecResize, NearestAsymmetricRoundsHalvesAsAsked) {
  EXPECT_EQ(resize_nearest_asymmetric("round_prefer_floor"), (std::vector<float>{10, 10, 20, 20}));
  EXPECT_EQ(resize_nearest_asymmetric("round_prefer_ceil"), (std::vector<float>{10, 20, 20, 20}));
  EXPECT_EQ(resize_nearest_asymmetric("floor"), (std::vector<float>{10, 10, 20, 20}));
  EXPECT_EQ(resize_nearest_asymmetric("ceil"), (std::vector<float>{10, 20, 20, 20}));
}

// Opsets before 11 have no coordinate attributes: asymmetric coordinates,
// nearest rounds down (ONNX's 10 -> 11 converter), linear clamps at the edge.
TEST(OnnxExecResize, LegacyFormsUseAsymmetricCoordinates) {
  const at::Tensor x = tensor_of<float>({10.f, 20.f}, {1, 1, 1, 2});
  for (const std::string mode : {"nearest", "linear"}) {
    const std::vector<float> want =
        mode == "nearest" ? std::vector<float>{10, 10, 20, 20} : std::vector<float>{10, 15, 20, 20};
    {
      TempDir dir;
      OnnxGraphBuilder g("resize10", 10);
      g.add_input("x", DType::Float32, {1, 1, 1, 2});
      g.add_initializer("scales", std::vector<float>{1, 1, 1, 2}, {4});
      g.add_node("Resize", {"x", "scales"}, {"y"}, {{"mode", mode}});
      g.add_output("y", DType::Float32, {1, 1, 1, 4});
      EXPECT_EQ(values_of<float>(run(g, dir, {x})[0]), want) << "Resize-10 " << mode;
    }
    {
      TempDir dir;
      OnnxGraphBuilder g("upsample7", 7);
      g.add_input("x", DType::Float32, {1, 1, 1, 2});
      g.add_node("Upsample", {"x"}, {"y"}, {{"mode", mode}, {"scales", std::vector<float>{1, 1, 1, 2}}});
      g.add_output("y", DType::Float32, {1, 1, 1, 4});
      EXPECT_EQ(values_of<float>(run(g, dir, {x})[0]), want) << "Upsample-7 " << mode;
    }
  }
}

TEST(OnnxExecResize, CropAndResizeWithScalesIsRefusedAtLoad) {
  TempDir dir;
  OnnxGraphBuilder g("crop");
  g.add_input("x", DType::Float32, {1, 1, 2, 2});
  g.add_initializer("roi", std::vector<float>{0, 0, 0, 0, 1, 1, 1, 1}, {8});
  g.add_initializer("scales", std::vector<float>{1, 1, 2, 2}, {4});
  g.add_node("Resize", {"x", "roi", "scales"}, {"y"},
             {{"mode", std::string("linear")}, {"coordinate_transformation_mode", std::string("tf_crop_and_resize")}},
             "crop");
  g.add_output("y", DType::Float32, {1, 1, 4, 4});
  const auto path = dir.path() / "crop.onnx";
  g.save(path);
  const std::string msg = error_of<kenning::NotSupported>([&] { Executor::load(path); });
  EXPECT_HAS(msg, "crop.onnx");
  EXPECT_HAS(msg, "'crop' (Resize)");
  EXPECT_HAS(msg, "tf_crop_and_resize with scales");
}

namespace {

// ConvTranspose of x = [1, 2] with w = [1, 1, 1], stride 2, bias 10: the full
// output is [1, 1, 3, 2, 2]; SAME_* keeps 4 = 2 * stride of it.
std::vector<float> conv_transpose_same(const std::string& auto_pad) {
  TempDir dir;
  OnnxGraphBuilder g("deconv");
  g.add_input("x", DType::Float32, {1, 1, 2});
  g.add_initializer("w", std::vector<float>{1, 1, 1}, {1, 1, 3});
  g.add_initializer("b", std::vector<float>{10}, {1});
  g.add_node("ConvTranspose", {"x", "w", "b"}, {"y"},
             {{"strides", std::vector<std::int64_t>{2}}, {"auto_pad", auto_pad}});
  g.add_output("y", DType::Float32, {1, 1, 4});
  return values_of<float>(run(g, dir, {tensor_of<float>({1.f, 2.f}, {1, 1, 2})})[0]);
}

}  // namespace

TEST(OnnxExecConvTranspose, SamePaddingCropsTheEndOrTheStart) {
  // SAME_UPPER removes the odd output at the end, SAME_LOWER at the start.
  EXPECT_EQ(conv_transpose_same("SAME_UPPER"), (std::vector<float>{11, 11, 13, 12}));
  EXPECT_EQ(conv_transpose_same("SAME_LOWER"), (std::vector<float>{11, 13, 12, 12}));
}
