// fold_constant_nodes (constant_evaluation.h), as the rest of kenning calls it:
// passes the call on to the libtorch module (torch_module.h). The
// implementation of the same name lives inside the module, which this unit is
// never linked into. One forwarder group per unit, so that a program linking
// an implementation statically (a test) never also pulls in its forwarder.
#include "modules/torch/torch_module.h"

namespace kenning {

int fold_constant_nodes(onnx::ModelProto& model) {
  return torch_module::api("constant folding").fold_constant_nodes(model);
}

}  // namespace kenning
