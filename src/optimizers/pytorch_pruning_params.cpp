// PyTorchMagnitudePruner's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "optimizers/pytorch_pruning.h"

#include "optimizers/optimizer_common.h"

namespace kenning {

const ParamSchema<PyTorchMagnitudePruner::Params>& PyTorchMagnitudePruner::schema() {
  static const auto s =
      ParamSchema<Params>("PyTorchMagnitudePruner", kDescription)
          .field("compiled_model_path", &Params::compiled_model_path,
                 "Where the pruned model is written as ONNX (the pruned weights go beside it, as .pt)")
          .required()
          .field("location", &Params::location, kLocationHelp, kOptimizerLocationNames)
          .field("sparsity", &Params::sparsity, "Fraction of the Conv and Linear weights set to zero")
          .range(0.0, 0.99)
          .field("epochs", &Params::epochs, "Fine-tuning epochs on the train split after pruning (0: none)")
          .at_least(0)
          .field("learning_rate", &Params::learning_rate, "Adam learning rate of the fine-tuning")
          .range(1e-8, 1.0)
          .field("batch_size", &Params::batch_size, "Fine-tuning batch size")
          .at_least(1)
          .field("seed", &Params::seed, "Seed of the fine-tuning's sample order and dropout")
          .field("num_threads", &Params::num_threads, "libtorch threads (0: all cores)")
          .at_least(0);
  return s;
}

}  // namespace kenning
