#include "nets/net_graph.h"

#include <cctype>
#include <unordered_map>

#include "kenning/core/error.h"

namespace kenning {

namespace {

std::string where(const NetGraph& g, std::size_t i) {
  const NetNode& n = g.nodes[i];
  return "net '" + g.name + "': node " + std::to_string(i) + " '" + n.name + "' (" + net_op_name(n.op) + ")";
}

[[noreturn]] void bad(const NetGraph& g, std::size_t i, const std::string& what) {
  throw ConfigError(where(g, i) + ": " + what);
}

// Letters, digits and dots: '.' -> '_' then maps names one-to-one onto
// TorchScript and torch::nn attribute names.
bool valid_name(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  return true;
}

std::size_t arity(NetOp op) { return op == NetOp::Add ? 2 : 1; }

// Output size of a window sliding over `size` (PyTorch's floor mode).
std::int64_t window_out(std::int64_t size, const NetNode& n) {
  return (size + 2 * n.padding - n.kernel) / n.stride + 1;
}

Shape spatial_out(const NetGraph& g, std::size_t i, const Shape& x, std::int64_t channels) {
  const NetNode& n = g.nodes[i];
  if (n.kernel < 1 || n.stride < 1 || n.padding < 0) {
    bad(g, i,
        "kernel " + std::to_string(n.kernel) + ", stride " + std::to_string(n.stride) + ", padding " +
            std::to_string(n.padding) + " out of range");
  }
  if (2 * n.padding > n.kernel) bad(g, i, "padding larger than half the kernel");
  const std::int64_t h = window_out(x[1], n);
  const std::int64_t w = window_out(x[2], n);
  if (h < 1 || w < 1) {
    bad(g, i,
        "input " + shape_to_string(x) + " is smaller than the " + std::to_string(n.kernel) + "x" +
            std::to_string(n.kernel) + " window");
  }
  return {channels, h, w};
}

}  // namespace

const char* net_op_name(NetOp op) {
  switch (op) {
    case NetOp::Conv2d:
      return "Conv2d";
    case NetOp::BatchNorm2d:
      return "BatchNorm2d";
    case NetOp::Relu:
      return "Relu";
    case NetOp::Relu6:
      return "Relu6";
    case NetOp::Add:
      return "Add";
    case NetOp::GlobalAvgPool:
      return "GlobalAvgPool";
    case NetOp::MaxPool:
      return "MaxPool";
    case NetOp::Flatten:
      return "Flatten";
    case NetOp::Linear:
      return "Linear";
    case NetOp::Dropout:
      return "Dropout";
  }
  return "?";
}

std::vector<std::vector<int>> resolve_net_inputs(const NetGraph& g) {
  if (g.nodes.empty()) throw ConfigError("net '" + g.name + "' has no nodes");
  if (!valid_name(g.input)) throw ConfigError("net '" + g.name + "': bad input name '" + g.input + "'");
  std::unordered_map<std::string, int> index = {{g.input, -1}};
  std::vector<std::vector<int>> out(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const NetNode& n = g.nodes[i];
    if (!valid_name(n.name)) bad(g, i, "names are letters, digits and inner dots");
    if (n.inputs.size() != arity(n.op)) {
      bad(g, i, "takes " + std::to_string(arity(n.op)) + " input(s), has " + std::to_string(n.inputs.size()));
    }
    for (const std::string& in : n.inputs) {
      const auto it = index.find(in);
      if (it == index.end()) bad(g, i, "input '" + in + "' is not the graph input or an earlier node");
      out[i].push_back(it->second);
    }
    if (!index.emplace(n.name, static_cast<int>(i)).second) bad(g, i, "name used twice");
  }
  return out;
}

std::vector<Shape> infer_net_shapes(const NetGraph& g) {
  const auto inputs = resolve_net_inputs(g);
  if (g.input_shape.size() != 3 || shape_numel(g.input_shape) < 1) {
    throw ConfigError("net '" + g.name + "': input shape " + shape_to_string(g.input_shape) + " is not [C, H, W]");
  }
  std::vector<Shape> shapes(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const NetNode& n = g.nodes[i];
    const Shape& x = inputs[i][0] < 0 ? g.input_shape : shapes[inputs[i][0]];
    const bool image = x.size() == 3;
    if (!image && n.op != NetOp::Linear && n.op != NetOp::Relu && n.op != NetOp::Relu6 && n.op != NetOp::Add &&
        n.op != NetOp::Dropout) {
      bad(g, i, "needs a [C, H, W] input, got " + shape_to_string(x));
    }
    switch (n.op) {
      case NetOp::Conv2d:
        if (n.in != x[0]) bad(g, i, "expects " + std::to_string(n.in) + " channels, gets " + shape_to_string(x));
        if (n.out < 1 || n.groups < 1 || n.in % n.groups != 0 || n.out % n.groups != 0) {
          bad(g, i,
              "channels " + std::to_string(n.in) + " -> " + std::to_string(n.out) + " do not divide into " +
                  std::to_string(n.groups) + " groups");
        }
        shapes[i] = spatial_out(g, i, x, n.out);
        break;
      case NetOp::BatchNorm2d:
        if (n.out != x[0]) bad(g, i, "has " + std::to_string(n.out) + " channels, gets " + shape_to_string(x));
        if (!(n.eps > 0)) bad(g, i, "eps must be > 0");
        shapes[i] = x;
        break;
      case NetOp::Relu:
      case NetOp::Relu6:
        shapes[i] = x;
        break;
      case NetOp::Add: {
        const Shape& y = inputs[i][1] < 0 ? g.input_shape : shapes[inputs[i][1]];
        if (x != y) bad(g, i, "adds " + shape_to_string(x) + " and " + shape_to_string(y));
        shapes[i] = x;
        break;
      }
      case NetOp::GlobalAvgPool:
        shapes[i] = {x[0], 1, 1};
        break;
      case NetOp::MaxPool:
        shapes[i] = spatial_out(g, i, x, x[0]);
        break;
      case NetOp::Flatten:
        shapes[i] = {shape_numel(x)};
        break;
      case NetOp::Linear:
        if (x.size() != 1 || x[0] != n.in) {
          bad(g, i, "expects [" + std::to_string(n.in) + "] features, gets " + shape_to_string(x));
        }
        if (n.out < 1) bad(g, i, "needs out >= 1");
        shapes[i] = {n.out};
        break;
      case NetOp::Dropout:
        if (!(n.dropout >= 0 && n.dropout < 1)) bad(g, i, "dropout must be in [0, 1)");
        shapes[i] = x;
        break;
    }
  }
  return shapes;
}

std::vector<std::vector<int>> net_release_after(const NetGraph& g) {
  const auto inputs = resolve_net_inputs(g);
  // Last reader of every node's output (the output node is never released).
  std::vector<int> last(g.nodes.size(), -1);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (int in : inputs[i]) {
      if (in >= 0) last[in] = static_cast<int>(i);
    }
  }
  std::vector<std::vector<int>> release(g.nodes.size());
  for (std::size_t j = 0; j + 1 < g.nodes.size(); ++j) {
    if (last[j] >= 0) release[last[j]].push_back(static_cast<int>(j));
  }
  return release;
}

std::vector<NetParamDecl> net_param_decls(const NetGraph& g) {
  std::vector<NetParamDecl> out;
  auto add = [&](const NetNode& n, const char* field, Shape shape, bool buffer = false) {
    out.push_back({n.name + "." + field, n.name, field, std::move(shape), buffer});
  };
  for (const NetNode& n : g.nodes) {
    switch (n.op) {
      case NetOp::Conv2d:
        add(n, "weight", {n.out, n.groups > 0 ? n.in / n.groups : 0, n.kernel, n.kernel});
        if (n.bias) add(n, "bias", {n.out});
        break;
      case NetOp::BatchNorm2d:
        add(n, "weight", {n.out});
        add(n, "bias", {n.out});
        add(n, "running_mean", {n.out}, true);
        add(n, "running_var", {n.out}, true);
        break;
      case NetOp::Linear:
        add(n, "weight", {n.out, n.in});
        add(n, "bias", {n.out});
        break;
      default:
        break;
    }
  }
  return out;
}

void check_net_params(const NetGraph& g, const NetParams& params) {
  const auto decls = net_param_decls(g);
  for (const NetParamDecl& d : decls) {
    const auto it = params.find(d.name);
    const std::string what = "net '" + g.name + "': parameter '" + d.name + "'";
    if (it == params.end()) throw BackendError(what + " is missing");
    if (it->second.shape != d.shape) {
      throw BackendError(what + " has shape " + shape_to_string(it->second.shape) + ", expected " +
                         shape_to_string(d.shape));
    }
    if (static_cast<std::int64_t>(it->second.values.size()) != shape_numel(d.shape)) {
      throw BackendError(what + " has " + std::to_string(it->second.values.size()) + " values for shape " +
                         shape_to_string(d.shape));
    }
  }
  if (params.size() != decls.size()) {
    for (const auto& [name, tensor] : params) {
      bool declared = false;
      for (const NetParamDecl& d : decls) declared = declared || d.name == name;
      if (!declared) throw BackendError("net '" + g.name + "': unexpected parameter '" + name + "'");
    }
  }
}

std::int64_t net_param_count(const NetGraph& g) {
  std::int64_t n = 0;
  for (const NetParamDecl& d : net_param_decls(g)) {
    if (!d.buffer) n += shape_numel(d.shape);
  }
  return n;
}

}  // namespace kenning
