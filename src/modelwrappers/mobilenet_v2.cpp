#include "modelwrappers/mobilenet_v2.h"

#include <cmath>

#include "nets/net_zoo.h"

namespace kenning {

namespace {
constexpr const char* kClass = "PyTorchMobileNetV2";
}  // namespace

const ParamSchema<PyTorchMobileNetV2::Params>& PyTorchMobileNetV2::schema() {
  static const auto s = [] {
    ParamSchema<Params> s(kClass,
                          "MobileNetV2 (torchvision layout, seeded random weights) in libtorch; "
                          "ONNX/TorchScript export; raw logits for speed runs");
    add_net_head_fields(s);
    s.field("width_mult", &Params::width_mult,
            "Channel multiplier (torchvision's width_mult; channels rounded to multiples of 8)")
        .range(0.1, 4.0);
    add_net_tail_fields(s);
    return s;
  }();
  return s;
}

NetGraph PyTorchMobileNetV2::graph_for(const Params& p) {
  schema().check(p);
  check_net_wrapper_params(kClass, p);
  return mobilenet_v2_graph(p.width_mult, p.num_classes, p.input_size);
}

PyTorchMobileNetV2::PyTorchMobileNetV2(const Params& params)
    : TorchNetWrapper(kClass, params, graph_for(params), LinearInit::Normal001) {}

}  // namespace kenning
