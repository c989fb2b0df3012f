// The objects a scenario describes, built from its blocks through the
// registries, plus the checks that need more than one block (formats,
// class lists) done before any work starts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/dataset.h"
#include "kenning/model_wrapper.h"
#include "kenning/optimizer.h"
#include "kenning/protocol.h"
#include "kenning/runtime.h"

namespace kenning {

struct Pipeline {
  std::unique_ptr<Dataset> dataset;
  std::unique_ptr<ModelWrapper> model_wrapper;
  std::vector<std::unique_ptr<Optimizer>> optimizers;
  std::unique_ptr<Runtime> runtime;  // null: run natively in the model wrapper
  // Set: the model runs on a target reached through it (`kenning server`);
  // the runtime block then names what the target runs, for the checks.
  std::unique_ptr<Protocol> protocol;
  // Upstream's platform block, checked and completed (platform_block.h);
  // null when the scenario has none. Kept for build_cfg.
  nlohmann::json platform;

  // The effective scenario: every block with all its parameters filled in.
  nlohmann::json to_json() const;
};

// Builds the blocks named in `scenario`; `where` names the source (file name
// or "command line") in errors. Blocks listed in `required` must be present.
// Upstream blocks kenning-cpp does not run (automl, runtime_builder,
// optimization_parameters, inference_loop) get a warning naming them; the
// report block is the CLI's to run (it is not built here).
Pipeline build_pipeline(const nlohmann::json& scenario, const std::string& where,
                        const std::vector<std::string>& required);

// Checks that every optimizer reads what the previous step produces and that
// the runtime reads the last format; throws ConfigError listing the formats
// at each step otherwise. Returns the final model format.
std::string check_format_chain(const Pipeline& pipeline);

}  // namespace kenning
