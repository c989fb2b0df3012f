// The runner family's class list. The flow builds runners itself, so the
// registry holds their declarations only; without OpenCV (no flow) they are
// listed as unavailable.
#include "kenning/config.h"
#include "kenning/registries.h"
#include "runners/model_runtime_runner_params.h"

namespace kenning {

void register_runners(RegistryBase& r) {
  const auto& model_runtime = model_runtime_runner_schema();
#if KENNING_WITH_OPENCV
  r.add_declared(model_runtime, "modelruntime");
#else
  r.add_unavailable(model_runtime, "modelruntime", "built without KENNING_WITH_OPENCV");
#endif
}

}  // namespace kenning
