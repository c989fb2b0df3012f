// Folds inference-mode BatchNorm2d into the convolution before it, as
// deployment exporters do: one op instead of two, same maths up to rounding.
#pragma once

#include "nets/net_graph.h"

namespace kenning {

struct NetFolded {
  NetGraph graph;
  NetParams params;
};

// Every BatchNorm2d whose input is a Conv2d read by nothing else disappears:
// the Conv gets weight W * s and bias beta + (b - mean) * s per output
// channel, s = gamma / sqrt(running_var + eps) (computed in double), and the
// BatchNorm's readers read the Conv. Other nodes are copied unchanged.
// Throws like check_net_params when `params` does not fit `graph`.
NetFolded fold_batchnorm(const NetGraph& graph, const NetParams& params);

}  // namespace kenning
