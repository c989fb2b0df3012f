#include "nets/net_fold.h"

#include <cmath>
#include <map>

namespace kenning {

namespace {

// Folds BatchNorm `bn` into the parameters of convolution `conv`.
void fold_into(const NetNode& conv, const NetNode& bn, const NetParams& in, NetParams& out) {
  const auto& gamma = in.at(bn.name + ".weight").values;
  const auto& beta = in.at(bn.name + ".bias").values;
  const auto& mean = in.at(bn.name + ".running_mean").values;
  const auto& var = in.at(bn.name + ".running_var").values;
  NetTensor weight = in.at(conv.name + ".weight");
  const std::size_t per_channel = weight.values.size() / static_cast<std::size_t>(conv.out);
  NetTensor bias{{conv.out}, std::vector<float>(static_cast<std::size_t>(conv.out), 0.0f)};
  for (std::size_t c = 0; c < bias.values.size(); ++c) {
    const double s = gamma[c] / std::sqrt(static_cast<double>(var[c]) + bn.eps);
    for (std::size_t k = c * per_channel; k < (c + 1) * per_channel; ++k) {
      weight.values[k] = static_cast<float>(weight.values[k] * s);
    }
    const double b = conv.bias ? in.at(conv.name + ".bias").values[c] : 0.0;
    bias.values[c] = static_cast<float>(beta[c] + (b - mean[c]) * s);
  }
  out[conv.name + ".weight"] = std::move(weight);
  out[conv.name + ".bias"] = std::move(bias);
}

}  // namespace

NetFolded fold_batchnorm(const NetGraph& graph, const NetParams& params) {
  check_net_params(graph, params);
  const auto inputs = resolve_net_inputs(graph);
  std::vector<int> readers(graph.nodes.size(), 0);
  for (const auto& ins : inputs) {
    for (int j : ins) {
      if (j >= 0) ++readers[j];
    }
  }
  NetFolded f;
  f.graph = graph;
  f.graph.nodes.clear();
  std::map<std::string, std::string> renamed;  // folded BN -> its conv
  std::map<std::string, std::size_t> kept;     // node name -> index in f.graph
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    NetNode n = graph.nodes[i];
    for (std::string& in : n.inputs) {
      if (const auto it = renamed.find(in); it != renamed.end()) in = it->second;
    }
    const int src = inputs[i][0];
    // The graph's last node names the output, so it is never folded away.
    const bool foldable = n.op == NetOp::BatchNorm2d && src >= 0 && readers[src] == 1 &&
                          graph.nodes[src].op == NetOp::Conv2d && i + 1 < graph.nodes.size();
    if (foldable) {
      const NetNode& conv = graph.nodes[src];
      fold_into(conv, n, params, f.params);
      f.graph.nodes[kept.at(conv.name)].bias = true;
      renamed[n.name] = conv.name;
      continue;
    }
    NetGraph single;
    single.nodes = {n};
    for (const NetParamDecl& d : net_param_decls(single)) {
      if (!f.params.contains(d.name)) f.params[d.name] = params.at(d.name);
    }
    kept[n.name] = f.graph.nodes.size();
    f.graph.nodes.push_back(std::move(n));
  }
  return f;
}

}  // namespace kenning
