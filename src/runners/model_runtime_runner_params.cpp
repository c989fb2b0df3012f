#include "runners/model_runtime_runner_params.h"

namespace kenning {

const ParamSchema<ModelRuntimeRunnerParams>& model_runtime_runner_schema() {
  using P = ModelRuntimeRunnerParams;
  static const auto s =
      ParamSchema<P>("ModelRuntimeRunner",
                     "Flow runner: turns frames into the model's input and runs a model wrapper, "
                     "optionally through a runtime")
          .field("model_wrapper", &P::model_wrapper, "Model wrapper block, as in a scenario")
          .required()
          .field("runtime", &P::runtime, "Runtime block, as in a scenario (none: the wrapper runs the model)");
  return s;
}

}  // namespace kenning
