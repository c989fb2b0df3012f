// Optimizers run on the target (`location: target` on the host): the
// server's side of OPTIMIZERS -> UNOPTIMIZED_MODEL -> OPTIMIZE_MODEL.
//
// OPTIMIZERS carries upstream's JSON {prev_block: {model_path, model_type,
// io_spec}, optimizers: [{type, parameters}, ...]}. Nothing in it becomes a
// path: each optimizer's compiled_model_path is replaced by a fixed name in
// the server's model folder, and its location by "host" (it runs here).
// Optimizers that need calibration data are refused: the target has no
// dataset.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/io_spec.h"
#include "kenning/measurement/measurements.h"
#include "kenning/optimizer.h"

namespace kenning {

// Builds an optimizer from a {type, parameters} block; throws ConfigError
// (naming `where`) for an unknown class or bad parameters.
using OptimizerFactory =
    std::function<std::unique_ptr<Optimizer>(const nlohmann::json& block, const std::string& where)>;

class TargetOptimization {
 public:
  static constexpr std::size_t kMaxOptimizers = 16;

  // OPTIMIZERS: validates the request and builds the chain.
  void set_request(std::span<const std::byte> payload, const OptimizerFactory& factory,
                   const std::filesystem::path& model_dir);
  // UNOPTIMIZED_MODEL: stores the model whole (temporary file, then rename).
  void set_model(std::span<const std::byte> payload, const std::filesystem::path& model_dir);
  // OPTIMIZE_MODEL: runs the chain on the stored model, records what each
  // optimizer did in `stats` (target_optimizers, optimized_io_spec) and
  // returns the compiled model's bytes.
  std::vector<std::byte> run(Measurements& stats);

 private:
  std::vector<std::unique_ptr<Optimizer>> chain_;
  std::optional<IOSpec> spec_;
  std::filesystem::path model_;
};

}  // namespace kenning
