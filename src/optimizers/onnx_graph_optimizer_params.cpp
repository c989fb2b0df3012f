// ONNXGraphOptimizer's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "optimizers/onnx_graph_optimizer.h"

#include "optimizers/optimizer_common.h"

namespace kenning {

const ParamSchema<ONNXGraphOptimizer::Params>& ONNXGraphOptimizer::schema() {
  static const auto s =
      ParamSchema<Params>("ONNXGraphOptimizer", kDescription)
          .field("compiled_model_path", &Params::compiled_model_path, "Where the optimized ONNX model is written")
          .required()
          .field("location", &Params::location, kLocationHelp, kOptimizerLocationNames)
          .field("fold_batchnorm", &Params::fold_batchnorm,
                 "Fold BatchNormalization into the Conv, or Gemm with constant B, before it")
          .field("remove_identity", &Params::remove_identity,
                 "Remove Identity and inference-mode Dropout nodes (graph output names kept)")
          .field("fold_constants", &Params::fold_constants,
                 "Constant nodes become initializers; Reshape and Shape of initializers are "
                 "evaluated")
          .field("remove_unused_initializers", &Params::remove_unused_initializers, "Drop initializers no node reads");
  return s;
}

}  // namespace kenning
