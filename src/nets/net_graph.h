// A convolutional network as data: a DAG of named nodes that the libtorch
// module (net_torch_backend.cpp), the ONNX exporter (net_onnx_export.cpp) and
// the TorchScript exporter (net_torchscript_export.cpp) are all built from,
// so the three cannot drift apart. net_zoo.h writes MobileNetV2, ResNet and
// the Fashion-MNIST CNN in it. Plain C++: no torch or ONNX types here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kenning/core/tensor.h"

namespace kenning {

enum class NetOp { Conv2d, BatchNorm2d, Relu, Relu6, Add, GlobalAvgPool, MaxPool, Flatten, Linear, Dropout };

// One node. Fields a node's op does not use keep their defaults.
struct NetNode {
  NetOp op = NetOp::Relu;
  // Unique; letters, digits and '.' only (the parameter prefix, torchvision's
  // state-dict names such as "features.1.conv.0.0").
  std::string name;
  // Names of earlier nodes or of the graph input; Add takes two, others one.
  std::vector<std::string> inputs;
  std::int64_t in = 0;       // input channels (Conv2d) or features (Linear)
  std::int64_t out = 0;      // output channels (Conv2d, BatchNorm2d) or features (Linear)
  std::int64_t kernel = 1;   // Conv2d, MaxPool (square)
  std::int64_t stride = 1;   // Conv2d, MaxPool
  std::int64_t padding = 0;  // Conv2d, MaxPool (all sides)
  std::int64_t groups = 1;   // Conv2d
  bool bias = false;         // Conv2d (Linear always has one)
  double eps = 1e-5;         // BatchNorm2d
  double dropout = 0;        // Dropout: probability of zeroing (training only)
};

struct NetGraph {
  std::string name;  // "mobilenet_v2", "resnet18", "fashion_mnist_cnn"
  std::string input = "input";
  Shape input_shape;           // one sample, [C, H, W]
  std::vector<NetNode> nodes;  // topological order; the last one is the output
};

// "Conv2d", "BatchNorm2d", ...
const char* net_op_name(NetOp op);

// Index of every node's inputs (-1 = the graph input). Throws ConfigError
// naming the node for an empty or bad name, a duplicate, an input that is
// not an earlier node, or the wrong number of inputs.
std::vector<std::vector<int>> resolve_net_inputs(const NetGraph& graph);

// One sample's shape after every node ([C, H, W], or [F] after Flatten and
// Linear). Also checks the graph (resolve_net_inputs) and that every node
// fits its input: channels, group divisibility, spatial sizes >= 1, equal
// shapes at Add, a dropout probability in [0, 1). ConfigError naming the
// node otherwise.
std::vector<Shape> infer_net_shapes(const NetGraph& graph);

// Per node, the nodes after which its output is no longer read (the graph
// output is never released): lets the interpreters free tensors early.
std::vector<std::vector<int>> net_release_after(const NetGraph& graph);

// A parameter or buffer the graph needs: "<node>.weight", "<node>.bias",
// "<node>.running_mean", "<node>.running_var".
struct NetParamDecl {
  std::string name;
  std::string node;     // node name
  std::string field;    // "weight", "bias", "running_mean", "running_var"
  Shape shape;          // PyTorch layout: Conv2d [out, in / groups, k, k], Linear [out, in]
  bool buffer = false;  // BatchNorm's running statistics (not trainable)
};
// In node order; Conv2d weight [, bias], BatchNorm2d weight, bias,
// running_mean, running_var, Linear weight, bias.
std::vector<NetParamDecl> net_param_decls(const NetGraph& graph);

// Parameter values by name, row-major float32.
struct NetTensor {
  Shape shape;
  std::vector<float> values;
};
using NetParams = std::map<std::string, NetTensor>;

// Throws BackendError naming the parameter when one is missing, has another
// shape or value count, or is not declared by the graph. Every backend and
// exporter calls it, so all reject the same mismatches.
void check_net_params(const NetGraph& graph, const NetParams& params);

// Trainable parameters (what torchvision reports: no running statistics).
std::int64_t net_param_count(const NetGraph& graph);

}  // namespace kenning
