#include "nets/net_zoo.h"

#include <cmath>

#include "kenning/core/error.h"

namespace kenning {

namespace {

// Appends nodes to a graph and returns each node's name, so the network
// definitions below read like torchvision's forward().
class Writer {
 public:
  Writer(std::string name, std::int64_t channels, std::int64_t size) {
    g_.name = std::move(name);
    g_.input_shape = {channels, size, size};
  }
  const std::string& input() const { return g_.input; }

  // Conv2d with "same"-style padding (k - 1) / 2; without bias, as
  // torchvision's, unless `bias`.
  std::string conv(std::string name, const std::string& x, std::int64_t in, std::int64_t out, std::int64_t kernel,
                   std::int64_t stride, std::int64_t groups = 1, bool bias = false) {
    return add({.op = NetOp::Conv2d,
                .name = std::move(name),
                .inputs = {x},
                .in = in,
                .out = out,
                .kernel = kernel,
                .stride = stride,
                .padding = (kernel - 1) / 2,
                .groups = groups,
                .bias = bias});
  }
  std::string bn(std::string name, const std::string& x, std::int64_t channels) {
    return add({.op = NetOp::BatchNorm2d, .name = std::move(name), .inputs = {x}, .out = channels});
  }
  std::string op(NetOp op, std::string name, const std::string& x) {
    return add({.op = op, .name = std::move(name), .inputs = {x}});
  }
  std::string sum(std::string name, const std::string& a, const std::string& b) {
    return add({.op = NetOp::Add, .name = std::move(name), .inputs = {a, b}});
  }
  std::string max_pool(std::string name, const std::string& x, std::int64_t kernel, std::int64_t stride,
                       std::int64_t padding) {
    return add({.op = NetOp::MaxPool,
                .name = std::move(name),
                .inputs = {x},
                .kernel = kernel,
                .stride = stride,
                .padding = padding});
  }
  std::string linear(std::string name, const std::string& x, std::int64_t in, std::int64_t out) {
    return add({.op = NetOp::Linear, .name = std::move(name), .inputs = {x}, .in = in, .out = out});
  }
  std::string dropout(std::string name, const std::string& x, double p) {
    return add({.op = NetOp::Dropout, .name = std::move(name), .inputs = {x}, .dropout = p});
  }
  // torchvision's Conv2dNormActivation: "<prefix>.0" conv, ".1" BN, ".2" act.
  std::string conv_bn_act(const std::string& prefix, const std::string& x, std::int64_t in, std::int64_t out,
                          std::int64_t kernel, std::int64_t stride, NetOp act, std::int64_t groups = 1) {
    std::string y = conv(prefix + ".0", x, in, out, kernel, stride, groups);
    y = bn(prefix + ".1", y, out);
    return op(act, prefix + ".2", y);
  }
  // Global average pool, flatten, Linear: the classifier head of both nets.
  void head(const std::string& x, std::int64_t features, std::int64_t classes, const std::string& linear_name) {
    const std::string pooled = op(NetOp::GlobalAvgPool, "avgpool", x);
    linear(linear_name, op(NetOp::Flatten, "flatten", pooled), features, classes);
  }
  // Checks the finished graph (shapes, sizes) before handing it out.
  NetGraph finish() {
    infer_net_shapes(g_);
    return std::move(g_);
  }

 private:
  std::string add(NetNode node) {
    g_.nodes.push_back(std::move(node));
    return g_.nodes.back().name;
  }
  NetGraph g_;
};

void check_common(const char* net, std::int64_t num_classes, std::int64_t input_size) {
  if (num_classes < 1) {
    throw ConfigError(std::string(net) + ": num_classes must be >= 1, got " + std::to_string(num_classes));
  }
  if (input_size < 1) {
    throw ConfigError(std::string(net) + ": input_size must be >= 1, got " + std::to_string(input_size));
  }
}

}  // namespace

std::int64_t make_divisible(double v, std::int64_t divisor) {
  const auto d = static_cast<double>(divisor);
  auto rounded = static_cast<std::int64_t>(std::floor((v + d / 2) / d)) * divisor;
  rounded = std::max(divisor, rounded);
  if (static_cast<double>(rounded) < 0.9 * v) rounded += divisor;
  return rounded;
}

NetGraph mobilenet_v2_graph(double width_mult, std::int64_t num_classes, std::int64_t input_size) {
  if (!(width_mult > 0) || !std::isfinite(width_mult)) {
    throw ConfigError("mobilenet_v2: width_mult must be > 0, got " + std::to_string(width_mult));
  }
  check_common("mobilenet_v2", num_classes, input_size);
  // torchvision's inverted_residual_setting: expansion t, channels c,
  // repeats n, first stride s.
  struct Stage {
    std::int64_t t, c, n, s;
  };
  static constexpr Stage kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                      {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  Writer w("mobilenet_v2", 3, input_size);
  std::int64_t channels = make_divisible(32 * width_mult);
  const std::int64_t last_channels = make_divisible(1280 * std::max(1.0, width_mult));
  std::string x = w.conv_bn_act("features.0", w.input(), 3, channels, 3, 2, NetOp::Relu6);
  int index = 1;
  for (const Stage& stage : kStages) {
    const std::int64_t out = make_divisible(static_cast<double>(stage.c) * width_mult);
    for (std::int64_t i = 0; i < stage.n; ++i, ++index) {
      const std::int64_t stride = i == 0 ? stage.s : 1;
      const std::string p = "features." + std::to_string(index) + ".conv.";
      const std::int64_t hidden = channels * stage.t;  // int(round(inp * t)), t integral
      std::string y = x;
      int part = 0;
      if (stage.t != 1) {
        y = w.conv_bn_act(p + std::to_string(part++), y, channels, hidden, 1, 1, NetOp::Relu6);
      }
      y = w.conv_bn_act(p + std::to_string(part++), y, hidden, hidden, 3, stride, NetOp::Relu6, hidden);
      y = w.conv(p + std::to_string(part++), y, hidden, out, 1, 1);
      y = w.bn(p + std::to_string(part), y, out);
      if (stride == 1 && channels == out) {
        y = w.sum("features." + std::to_string(index) + ".add", x, y);
      }
      x = y;
      channels = out;
    }
  }
  x = w.conv_bn_act("features." + std::to_string(index), x, channels, last_channels, 1, 1, NetOp::Relu6);
  w.head(x, last_channels, num_classes, "classifier.1");
  return w.finish();
}

NetGraph resnet_graph(std::int64_t depth, std::int64_t base_width, std::int64_t num_classes, std::int64_t input_size) {
  std::vector<std::int64_t> blocks;
  if (depth == 10) {
    blocks = {1, 1, 1, 1};
  } else if (depth == 18) {
    blocks = {2, 2, 2, 2};
  } else if (depth == 34) {
    blocks = {3, 4, 6, 3};
  } else {
    throw ConfigError("resnet: depth must be 10, 18 or 34, got " + std::to_string(depth));
  }
  if (base_width < 1) {
    throw ConfigError("resnet: base_width must be >= 1, got " + std::to_string(base_width));
  }
  check_common("resnet", num_classes, input_size);
  Writer w("resnet" + std::to_string(depth), 3, input_size);
  std::string x = w.conv("conv1", w.input(), 3, base_width, 7, 2);
  x = w.op(NetOp::Relu, "relu", w.bn("bn1", x, base_width));
  x = w.max_pool("maxpool", x, 3, 2, 1);
  std::int64_t channels = base_width;
  for (std::size_t stage = 0; stage < blocks.size(); ++stage) {
    const std::int64_t out = base_width << stage;
    for (std::int64_t b = 0; b < blocks[stage]; ++b) {
      const std::int64_t stride = stage > 0 && b == 0 ? 2 : 1;
      const std::string p = "layer" + std::to_string(stage + 1) + "." + std::to_string(b) + ".";
      std::string y = w.conv(p + "conv1", x, channels, out, 3, stride);
      y = w.op(NetOp::Relu, p + "relu1", w.bn(p + "bn1", y, out));
      y = w.bn(p + "bn2", w.conv(p + "conv2", y, out, out, 3, 1), out);
      std::string shortcut = x;
      if (stride != 1 || channels != out) {
        shortcut = w.conv(p + "downsample.0", x, channels, out, 1, stride);
        shortcut = w.bn(p + "downsample.1", shortcut, out);
      }
      x = w.op(NetOp::Relu, p + "relu2", w.sum(p + "add", y, shortcut));
      channels = out;
    }
  }
  w.head(x, channels, num_classes, "fc");
  return w.finish();
}

NetGraph fashion_mnist_cnn_graph() {
  Writer w("fashion_mnist_cnn", 1, 28);
  auto layer = [](int index) { return "layers." + std::to_string(index); };
  std::string x = w.conv(layer(0), w.input(), 1, 32, 3, 1, 1, /*bias=*/true);
  x = w.max_pool(layer(2), w.op(NetOp::Relu, layer(1), x), 2, 2, 0);
  x = w.conv(layer(3), x, 32, 64, 3, 1, 1, /*bias=*/true);
  x = w.max_pool(layer(5), w.op(NetOp::Relu, layer(4), x), 2, 2, 0);
  x = w.linear(layer(7), w.op(NetOp::Flatten, layer(6), x), 64 * 7 * 7, 128);
  x = w.dropout(layer(9), w.op(NetOp::Relu, layer(8), x), 0.3);
  w.linear(layer(10), x, 128, 10);
  return w.finish();
}

}  // namespace kenning
