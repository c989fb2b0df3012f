// TorchScriptOptimizer's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "optimizers/torchscript_optimizer.h"

#include "optimizers/optimizer_common.h"

namespace kenning {

const ParamSchema<TorchScriptOptimizer::Params>& TorchScriptOptimizer::schema() {
  static const auto s = ParamSchema<Params>("TorchScriptOptimizer", kDescription)
                            .field("compiled_model_path", &Params::compiled_model_path,
                                   "Where the optimized TorchScript model (.ts) is written")
                            .required()
                            .field("location", &Params::location, kLocationHelp, kOptimizerLocationNames)
                            .field("optimize_for_inference", &Params::optimize_for_inference,
                                   "After freezing, run torch::jit::optimize_for_inference; false: freeze only");
  return s;
}

}  // namespace kenning
