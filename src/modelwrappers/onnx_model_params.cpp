// ONNXModel's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "modelwrappers/onnx_model.h"

namespace kenning {

const ParamSchema<ONNXModel::Params>& ONNXModel::schema() {
  static const auto s = ParamSchema<Params>("ONNXModel",
                                            "Any ONNX model: inputs and outputs passed through as the model's I/O "
                                            "spec declares (no evaluation; needs a runtime)")
                            .field("model_path", &Params::model_path,
                                   "ONNX model file; its I/O spec is <model>.onnx.json when present, else the graph's")
                            .required();
  return s;
}

}  // namespace kenning
