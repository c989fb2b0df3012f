// The registries of all plugin families, filled once by explicit calls to
// each family's register_*() function (src/<family>/registry.cpp).
#pragma once

#include "kenning/core/registry.h"
#include "kenning/data_provider.h"
#include "kenning/dataset.h"
#include "kenning/model_wrapper.h"
#include "kenning/optimizer.h"
#include "kenning/output_collector.h"
#include "kenning/protocol.h"
#include "kenning/runtime.h"

namespace kenning {

struct Registries {
  Registry<Dataset> datasets{"dataset", "datasets"};
  Registry<ModelWrapper> model_wrappers{"model_wrapper", "modelwrappers"};
  Registry<Optimizer> optimizers{"optimizer", "optimizers"};
  Registry<Runtime> runtimes{"runtime", "runtimes"};
  Registry<Protocol> protocols{"protocol", "protocols"};
  Registry<DataProvider> data_providers{"data_provider", "dataproviders"};
  Registry<OutputCollector> output_collectors{"output_collector", "outputcollectors"};
  // Flow runners are built by the flow itself (src/flow), so this family
  // only holds their declarations.
  RegistryBase runners{"runner", "runners"};

  // All families, in the order `kenning list` prints them.
  std::vector<const RegistryBase*> all() const {
    return {&datasets,  &model_wrappers, &optimizers,        &runtimes,
            &protocols, &data_providers, &output_collectors, &runners};
  }
};

// Built on first use.
const Registries& registries();

// Per-family registration lists.
void register_datasets(Registry<Dataset>& r);
void register_model_wrappers(Registry<ModelWrapper>& r);
void register_optimizers(Registry<Optimizer>& r);
void register_runtimes(Registry<Runtime>& r);
void register_protocols(Registry<Protocol>& r);
void register_data_providers(Registry<DataProvider>& r);
void register_output_collectors(Registry<OutputCollector>& r);
void register_runners(RegistryBase& r);

}  // namespace kenning
