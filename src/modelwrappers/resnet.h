// PyTorchResNet ("resnet"): a ResNet with BasicBlocks (ResNet-18 layout by
// default, net_zoo.h) and seeded random weights, run with libtorch and
// exported to ONNX and TorchScript. For speed runs and conversion checks:
// see net_wrapper.h for the files it writes and what it outputs.
#pragma once

#include "modelwrappers/net_wrapper.h"

namespace kenning {

class PyTorchResNet : public TorchNetWrapper {
 public:
  struct Params : NetWrapperParams {
    std::int64_t depth = 18;
    std::int64_t base_width = 64;
  };
  static const ParamSchema<Params>& schema();
  // ConfigError naming the parameter for an out-of-range value; writes the
  // weights and export when model_path does not exist (net_wrapper.h).
  explicit PyTorchResNet(const Params& params);

  // The graph the parameters describe (checked first).
  static NetGraph graph_for(const Params& params);
};

}  // namespace kenning
