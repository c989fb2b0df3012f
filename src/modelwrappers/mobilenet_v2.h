// PyTorchMobileNetV2 ("mobilenet_v2"): torchvision's MobileNetV2 layout
// (net_zoo.h) with seeded random weights, run with libtorch and exported to
// ONNX and TorchScript. For speed runs and conversion checks: see
// net_wrapper.h for the files it writes and what it outputs.
#pragma once

#include "modelwrappers/net_wrapper.h"

namespace kenning {

class PyTorchMobileNetV2 : public TorchNetWrapper {
 public:
  struct Params : NetWrapperParams {
    double width_mult = 1.0;
  };
  static const ParamSchema<Params>& schema();
  // ConfigError naming the parameter for an out-of-range value; writes the
  // weights and export when model_path does not exist (net_wrapper.h).
  explicit PyTorchMobileNetV2(const Params& params);

  // The graph the parameters describe (checked first).
  static NetGraph graph_for(const Params& params);
};

}  // namespace kenning
