// The NetGraph description without libtorch: graph checks, the zoo's layouts
// (parameter counts against torchvision's), seeded initialisation, BatchNorm
// folding.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "kenning/core/error.h"
#include "nets/net_fold.h"
#include "nets/net_graph.h"
#include "nets/net_init.h"
#include "nets/net_zoo.h"
#include "test_support.h"

namespace kenning {
namespace {

using testing::error_of;

NetNode conv(std::string name, std::string in, std::int64_t cin, std::int64_t cout, std::int64_t k = 1,
             std::int64_t groups = 1) {
  return {.op = NetOp::Conv2d,
          .name = std::move(name),
          .inputs = {std::move(in)},
          .in = cin,
          .out = cout,
          .kernel = k,
          .padding = (k - 1) / 2,
          .groups = groups};
}

NetNode unary(NetOp op, std::string name, std::string in) {
  return {.op = op, .name = std::move(name), .inputs = {std::move(in)}};
}

// conv(2->3, 1x1) -> bn -> relu: small enough to compute by hand.
NetGraph tiny_graph() {
  NetGraph g;
  g.name = "tiny";
  g.input_shape = {2, 1, 1};
  g.nodes = {conv("c", "input", 2, 3),
             {.op = NetOp::BatchNorm2d, .name = "bn", .inputs = {"c"}, .out = 3},
             unary(NetOp::Relu, "r", "bn")};
  return g;
}

TEST(NetZoo, MobileNetV2HasTorchvisionsParameterCount) {
  const NetGraph g = mobilenet_v2_graph(1.0, 1000, 224);
  EXPECT_EQ(net_param_count(g), 3504872);  // torchvision.models.mobilenet_v2()
  EXPECT_EQ(infer_net_shapes(g).back(), (Shape{1000}));
  // 10 residual Adds: blocks with stride 1 and equal channels.
  int adds = 0;
  for (const NetNode& n : g.nodes) adds += n.op == NetOp::Add;
  EXPECT_EQ(adds, 10);
  EXPECT_EQ(g.nodes.front().name, "features.0.0");
  EXPECT_EQ(g.nodes.back().name, "classifier.1");
}

TEST(NetZoo, MobileNetV2WidthScalesChannelsButNotTheLastConv) {
  const NetGraph g = mobilenet_v2_graph(0.5, 10, 64);
  EXPECT_EQ(g.nodes.front().out, 16);  // 32 * 0.5
  const NetNode& linear = g.nodes.back();
  EXPECT_EQ(linear.in, 1280);  // last_channel * max(1, width_mult)
  EXPECT_EQ(linear.out, 10);
  // Input 64 is downsampled by 32 to 2x2 before the pool.
  const auto shapes = infer_net_shapes(g);
  EXPECT_EQ(shapes[g.nodes.size() - 4], (Shape{1280, 2, 2}));
}

TEST(NetZoo, ResNetHasTorchvisionsParameterCounts) {
  EXPECT_EQ(net_param_count(resnet_graph(18, 64, 1000, 224)), 11689512);  // resnet18()
  EXPECT_EQ(net_param_count(resnet_graph(34, 64, 1000, 224)), 21797672);  // resnet34()
  const NetGraph g = resnet_graph(18, 64, 1000, 224);
  int downsamples = 0;
  for (const NetNode& n : g.nodes) downsamples += n.name.ends_with("downsample.0");
  EXPECT_EQ(downsamples, 3);
  const auto shapes = infer_net_shapes(g);
  EXPECT_EQ(shapes[3], (Shape{64, 56, 56}));  // after the max pool
}

TEST(NetZoo, MakeDivisibleFollowsTorchvision) {
  EXPECT_EQ(make_divisible(16.0), 16);
  EXPECT_EQ(make_divisible(12.0), 16);  // rounds half up
  EXPECT_EQ(make_divisible(5.6), 8);    // never below the divisor
  EXPECT_EQ(make_divisible(1792.0), 1792);
  EXPECT_EQ(make_divisible(11.0), 16);  // 8 would be > 10% below
}

TEST(NetZoo, BadArgumentsAreConfigErrors) {
  EXPECT_HAS(error_of<ConfigError>([] { resnet_graph(20, 64, 10, 64); }), "depth");
  EXPECT_HAS(error_of<ConfigError>([] { mobilenet_v2_graph(0, 10, 64); }), "width_mult");
  EXPECT_HAS(error_of<ConfigError>([] { mobilenet_v2_graph(1, 0, 64); }), "num_classes");
}

TEST(NetZoo, FashionMNISTCNNKeepsItsLayersAndStateDictNames) {
  const NetGraph g = fashion_mnist_cnn_graph();
  ASSERT_EQ(g.nodes.size(), 11u);
  EXPECT_EQ(g.input_shape, (Shape{1, 28, 28}));
  const std::vector<Shape> shapes = infer_net_shapes(g);
  EXPECT_EQ(shapes[5], (Shape{64, 7, 7}));
  EXPECT_EQ(shapes[6], (Shape{3136}));
  EXPECT_EQ(shapes.back(), (Shape{10}));
  EXPECT_EQ(g.nodes[9].op, NetOp::Dropout);
  EXPECT_DOUBLE_EQ(g.nodes[9].dropout, 0.3);
  std::vector<std::string> names;
  for (const NetParamDecl& d : net_param_decls(g)) names.push_back(d.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias",
                                      "layers.7.weight", "layers.7.bias", "layers.10.weight", "layers.10.bias"}));
  // 32*9+32 + 64*32*9+64 + 3136*128+128 + 128*10+10.
  EXPECT_EQ(net_param_count(g), 421642);
}

TEST(NetGraph, DropoutKeepsTheShapeAndNeedsAProbabilityBelowOne) {
  NetGraph g = tiny_graph();
  g.nodes.push_back({.op = NetOp::Dropout, .name = "d", .inputs = {"r"}, .dropout = 0.5});
  EXPECT_EQ(infer_net_shapes(g).back(), (Shape{3, 1, 1}));
  g.nodes.back().dropout = 1.0;
  EXPECT_HAS(error_of<ConfigError>([&] { infer_net_shapes(g); }), "node 3 'd' (Dropout): dropout must be in [0, 1)");
}

TEST(NetGraph, MalformedGraphsNameTheNode) {
  auto expect_error = [](NetGraph g, const std::string& part) {
    const std::string msg = error_of<ConfigError>([&] { infer_net_shapes(g); });
    EXPECT_HAS(msg, part);
  };
  NetGraph g = tiny_graph();
  g.nodes[2].name = "bn";
  expect_error(g, "name used twice");
  g = tiny_graph();
  g.nodes[1].inputs = {"r"};  // a later node
  expect_error(g, "'bn' (BatchNorm2d): input 'r' is not the graph input or an earlier node");
  g = tiny_graph();
  g.nodes[0].in = 3;
  expect_error(g, "expects 3 channels");
  g = tiny_graph();
  g.nodes[0].groups = 2;  // 3 outputs do not split into 2 groups
  expect_error(g, "groups");
  g = tiny_graph();
  g.nodes[2].name = "my_relu";  // '_' would clash with the TorchScript names
  expect_error(g, "letters, digits");
  g = tiny_graph();
  g.nodes.push_back({.op = NetOp::Add, .name = "sum", .inputs = {"r", "input"}});
  expect_error(g, "adds [3, 1, 1] and [2, 1, 1]");
  g = tiny_graph();
  g.nodes.push_back({.op = NetOp::Linear, .name = "fc", .inputs = {"r"}, .in = 3, .out = 2});
  expect_error(g, "expects [3] features");
  g = tiny_graph();
  g.nodes[0].kernel = 3;
  g.nodes[0].padding = 0;  // 3x3 window on a 1x1 input
  expect_error(g, "smaller than");
}

TEST(NetGraph, ReleasesEveryValueAfterItsLastReader) {
  NetGraph g = tiny_graph();
  g.nodes.push_back({.op = NetOp::Add, .name = "sum", .inputs = {"r", "c"}});
  const auto release = net_release_after(g);
  ASSERT_EQ(release.size(), 4u);
  EXPECT_TRUE(release[0].empty());
  EXPECT_TRUE(release[1].empty());
  EXPECT_EQ(release[2], (std::vector<int>{1}));     // bn after r
  EXPECT_EQ(release[3], (std::vector<int>{0, 2}));  // c and r after sum; sum is the output
}

TEST(NetGraph, ParameterChecksNameTheParameter) {
  const NetGraph g = tiny_graph();
  NetParams p = init_net_params(g, 1, LinearInit::Normal001);
  EXPECT_NO_THROW(check_net_params(g, p));
  EXPECT_EQ(p.size(), 5u);  // c.weight, bn.{weight, bias, running_mean, running_var}
  NetParams missing = p;
  missing.erase("bn.running_var");
  EXPECT_HAS(error_of<BackendError>([&] { check_net_params(g, missing); }), "'bn.running_var' is missing");
  NetParams reshaped = p;
  reshaped["c.weight"].shape = {3, 2};
  EXPECT_HAS(error_of<BackendError>([&] { check_net_params(g, reshaped); }), "'c.weight' has shape [3, 2]");
  NetParams extra = p;
  extra["c.bias"] = {{3}, {0, 0, 0}};
  EXPECT_HAS(error_of<BackendError>([&] { check_net_params(g, extra); }), "unexpected parameter 'c.bias'");
}

TEST(NetInit, SameSeedSameValuesOtherSeedOtherValues) {
  const NetGraph g = mobilenet_v2_graph(0.5, 10, 64);
  const NetParams a = init_net_params(g, 7, LinearInit::Normal001);
  const NetParams b = init_net_params(g, 7, LinearInit::Normal001);
  const NetParams c = init_net_params(g, 8, LinearInit::Normal001);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, t] : a) {
    EXPECT_EQ(t.values, b.at(name).values) << name;
    if (name != "classifier.1.bias") {
      EXPECT_NE(t.values, c.at(name).values) << name;
    }
  }
  EXPECT_NO_THROW(check_net_params(g, a));
}

TEST(NetInit, FollowsTorchvisionsDistributions) {
  const NetGraph g = resnet_graph(18, 64, 1000, 224);
  const NetParams p = init_net_params(g, 3, LinearInit::PyTorchDefault);
  // layer4.0.conv2: [512, 512, 3, 3], Kaiming normal fan_out: std sqrt(2 / (512 * 9)).
  const auto& w = p.at("layer4.0.conv2.weight").values;
  double sum = 0, sq = 0;
  for (float v : w) sum += v, sq += static_cast<double>(v) * v;
  const double n = static_cast<double>(w.size());
  EXPECT_NEAR(sum / n, 0.0, 1e-4);
  EXPECT_NEAR(std::sqrt(sq / n), std::sqrt(2.0 / (512 * 9)), 0.01 * std::sqrt(2.0 / (512 * 9)));
  // fc: U(-1/sqrt(512), 1/sqrt(512)).
  for (float v : p.at("fc.weight").values) ASSERT_LE(std::fabs(v), 1 / std::sqrt(512.0f));
  // BatchNorm is not the identity, so exporters cannot get away with dropping it.
  for (float v : p.at("bn1.running_var").values) ASSERT_TRUE(v >= 0.5f && v < 1.5f);
  for (float v : p.at("bn1.running_mean").values) ASSERT_TRUE(v >= -0.1f && v < 0.1f);
  const auto& gamma = p.at("bn1.weight").values;
  EXPECT_NE(*std::min_element(gamma.begin(), gamma.end()), *std::max_element(gamma.begin(), gamma.end()));
}

TEST(NetFold, FoldedConvComputesConvThenBatchNorm) {
  const NetGraph g = tiny_graph();
  const NetParams p = init_net_params(g, 11, LinearInit::Normal001);
  const NetFolded f = fold_batchnorm(g, p);
  ASSERT_EQ(f.graph.nodes.size(), 2u);
  EXPECT_TRUE(f.graph.nodes[0].bias);
  EXPECT_EQ(f.graph.nodes[1].inputs, (std::vector<std::string>{"c"}));
  EXPECT_NO_THROW(check_net_params(f.graph, f.params));
  const std::vector<float> x = {0.3f, -1.7f};
  for (std::size_t c = 0; c < 3; ++c) {
    const auto& w = p.at("c.weight").values;
    const double conv = w[c * 2] * x[0] + w[c * 2 + 1] * x[1];
    const double bn = (conv - p.at("bn.running_mean").values[c]) / std::sqrt(p.at("bn.running_var").values[c] + 1e-5) *
                          p.at("bn.weight").values[c] +
                      p.at("bn.bias").values[c];
    const auto& fw = f.params.at("c.weight").values;
    const double folded = fw[c * 2] * x[0] + fw[c * 2 + 1] * x[1] + f.params.at("c.bias").values[c];
    EXPECT_NEAR(folded, bn, 1e-5) << c;
  }
}

TEST(NetFold, BatchNormOfASharedConvStays) {
  NetGraph g = tiny_graph();
  g.nodes.push_back({.op = NetOp::Add, .name = "sum", .inputs = {"r", "c"}});  // c read twice
  const NetFolded f = fold_batchnorm(g, init_net_params(g, 1, LinearInit::Normal001));
  EXPECT_EQ(f.graph.nodes.size(), g.nodes.size());
  EXPECT_FALSE(f.graph.nodes[0].bias);
}

}  // namespace
}  // namespace kenning
