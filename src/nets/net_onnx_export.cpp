#include "nets/net_onnx_export.h"

#include "kenning/core/error.h"
#include "nets/net_fold.h"
#include "onnx/onnx_graph_builder.h"

namespace kenning {

namespace {

using Ints = std::vector<std::int64_t>;

// Underscores never occur in node names (net_graph.h), so these cannot clash.
constexpr const char* kClipMin = "kenning_relu6_min";
constexpr const char* kClipMax = "kenning_relu6_max";

Ints pair(std::int64_t v) { return {v, v}; }

void add_clip(OnnxGraphBuilder& b, std::int64_t opset, const std::string& in, const std::string& out,
              const std::string& name) {
  if (opset <= 10) {
    b.add_node("Clip", {in}, {out}, {{"min", 0.0f}, {"max", 6.0f}}, name);
  } else {
    b.add_node("Clip", {in, kClipMin, kClipMax}, {out}, {}, name);
  }
}

void add_node(OnnxGraphBuilder& b, const NetNode& n, std::int64_t opset, std::vector<std::string> in,
              const std::string& out) {
  const std::string& name = n.name;
  // Parameters are the node's further inputs, in the ONNX op's order.
  auto param = [&](const char* field) { in.push_back(name + "." + field); };
  switch (n.op) {
    case NetOp::Conv2d:
      param("weight");
      if (n.bias) param("bias");
      b.add_node("Conv", in, {out},
                 {{"kernel_shape", pair(n.kernel)},
                  {"strides", pair(n.stride)},
                  {"pads", Ints{n.padding, n.padding, n.padding, n.padding}},
                  {"group", n.groups}},
                 name);
      break;
    case NetOp::BatchNorm2d:
      for (const char* f : {"weight", "bias", "running_mean", "running_var"}) param(f);
      b.add_node("BatchNormalization", in, {out}, {{"epsilon", static_cast<float>(n.eps)}}, name);
      break;
    case NetOp::Relu:
      b.add_node("Relu", in, {out}, {}, name);
      break;
    case NetOp::Relu6:
      add_clip(b, opset, in[0], out, name);
      break;
    case NetOp::Add:
      b.add_node("Add", in, {out}, {}, name);
      break;
    case NetOp::GlobalAvgPool:
      b.add_node("GlobalAveragePool", in, {out}, {}, name);
      break;
    case NetOp::MaxPool:
      b.add_node("MaxPool", in, {out},
                 {{"kernel_shape", pair(n.kernel)},
                  {"strides", pair(n.stride)},
                  {"pads", Ints{n.padding, n.padding, n.padding, n.padding}}},
                 name);
      break;
    case NetOp::Flatten:
      b.add_node("Flatten", in, {out}, {{"axis", std::int64_t{1}}}, name);
      break;
    case NetOp::Linear:
      param("weight");
      param("bias");
      b.add_node("Gemm", in, {out}, {{"transB", std::int64_t{1}}}, name);
      break;
    case NetOp::Dropout:  // only as the graph output, see write()
      b.add_node("Identity", in, {out}, {}, name);
      break;
  }
}

void write(const NetGraph& graph, const NetParams& params, const std::filesystem::path& path,
           const NetOnnxOptions& options) {
  const std::vector<Shape> shapes = infer_net_shapes(graph);
  check_net_params(graph, params);
  OnnxGraphBuilder b("kenning_" + graph.name, options.opset);
  Shape input = graph.input_shape;
  input.insert(input.begin(), options.batch);
  b.add_input(kNetInputName, DType::Float32, input);
  for (const NetParamDecl& d : net_param_decls(graph)) {
    b.add_initializer(d.name, params.at(d.name).values, d.shape);
  }
  bool has_relu6 = false;
  for (const NetNode& n : graph.nodes) has_relu6 = has_relu6 || n.op == NetOp::Relu6;
  if (has_relu6 && options.opset > 10) {
    const float lo = 0.0f, hi = 6.0f;
    b.add_initializer(kClipMin, std::span<const float>(&lo, 1), {});
    b.add_initializer(kClipMax, std::span<const float>(&hi, 1), {});
  }
  const auto inputs = resolve_net_inputs(graph);
  const auto is_output = [&](int index) { return static_cast<std::size_t>(index) + 1 == graph.nodes.size(); };
  // Dropout is the identity at inference: it emits no node and its readers
  // read its input, unless it is the graph output, which an Identity names.
  auto tensor = [&](int index) {
    while (index >= 0 && !is_output(index) && graph.nodes[index].op == NetOp::Dropout) index = inputs[index][0];
    if (index < 0) return std::string(kNetInputName);
    return is_output(index) ? std::string(kNetOutputName) : graph.nodes[index].name;
  };
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (graph.nodes[i].op == NetOp::Dropout && !is_output(static_cast<int>(i))) continue;
    std::vector<std::string> in;
    for (int j : inputs[i]) in.push_back(tensor(j));
    add_node(b, graph.nodes[i], options.opset, std::move(in), tensor(static_cast<int>(i)));
  }
  Shape output = shapes.back();
  output.insert(output.begin(), options.batch);
  b.add_output(kNetOutputName, DType::Float32, output);
  b.save(path);
}

}  // namespace

void export_net_to_onnx(const NetGraph& graph, const NetParams& params, const std::filesystem::path& path,
                        const NetOnnxOptions& options) {
  if (options.opset < 9 || options.opset > 17) {
    throw ConfigError(path.string() + ": ONNX opset must be in [9, 17], got " + std::to_string(options.opset));
  }
  if (options.batch < 1 && options.batch != -1) {
    throw ConfigError(path.string() + ": batch must be >= 1 or -1 (symbolic), got " + std::to_string(options.batch));
  }
  if (!options.fold_batchnorm) return write(graph, params, path, options);
  const NetFolded folded = fold_batchnorm(graph, params);
  write(folded.graph, folded.params, path, options);
}

}  // namespace kenning
