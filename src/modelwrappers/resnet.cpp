#include "modelwrappers/resnet.h"

#include "nets/net_zoo.h"

namespace kenning {

namespace {
constexpr const char* kClass = "PyTorchResNet";
}  // namespace

const ParamSchema<PyTorchResNet::Params>& PyTorchResNet::schema() {
  static const auto s = [] {
    ParamSchema<Params> s(kClass,
                          "ResNet with BasicBlocks (ResNet-18 layout, seeded random weights) in "
                          "libtorch; ONNX/TorchScript export; raw logits for speed runs");
    add_net_head_fields(s);
    s.field("depth", &Params::depth, "10, 18 or 34: blocks per stage [1,1,1,1], [2,2,2,2], [3,4,6,3]")
        .range(10, 34)
        .field("base_width", &Params::base_width, "Channels of the stem and first stage (doubling per stage)")
        .range(8, 256);
    add_net_tail_fields(s);
    return s;
  }();
  return s;
}

NetGraph PyTorchResNet::graph_for(const Params& p) {
  schema().check(p);
  check_net_wrapper_params(kClass, p);
  // The declared range [10, 34] holds other depths too.
  if (p.depth != 10 && p.depth != 18 && p.depth != 34) {
    bad_net_param(kClass, "depth", "10, 18 or 34", std::to_string(p.depth));
  }
  return resnet_graph(p.depth, p.base_width, p.num_classes, p.input_size);
}

PyTorchResNet::PyTorchResNet(const Params& params)
    : TorchNetWrapper(kClass, params, graph_for(params), LinearInit::PyTorchDefault) {}

}  // namespace kenning
