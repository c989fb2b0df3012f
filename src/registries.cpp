#include "kenning/registries.h"

namespace kenning {

const Registries& registries() {
  static const Registries all = [] {
    Registries r;
    register_datasets(r.datasets);
    register_model_wrappers(r.model_wrappers);
    register_optimizers(r.optimizers);
    register_runtimes(r.runtimes);
    register_protocols(r.protocols);
    register_data_providers(r.data_providers);
    register_output_collectors(r.output_collectors);
    register_runners(r.runners);
    return r;
  }();
  return all;
}

}  // namespace kenning
