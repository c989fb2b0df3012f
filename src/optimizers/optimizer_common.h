// Checks shared by the optimizers: where they run, the input model and the
// output path. Every error names the class and the file or parameter.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace kenning {

// What an optimizer reports about its last compile().
struct OptimizerReport {
  std::int64_t nodes_before = 0;  // graph nodes (ONNX) or 0 when not counted
  std::int64_t nodes_after = 0;
  std::uintmax_t bytes_before = 0;  // file sizes
  std::uintmax_t bytes_after = 0;
};

// {"nodes_before", "nodes_after", "model_size_before", "model_size_after"};
// empty when nothing was compiled yet.
nlohmann::json report_to_json(const OptimizerReport& report);

// Help text of the `location` parameter, shared by all optimizers.
inline constexpr const char* kLocationHelp =
    "Where the optimizer runs: host, or target (on `kenning server`, through the protocol block; "
    "target-side optimizers end the chain)";

// IoError naming `model` when it is missing or not a regular file.
void check_input_model(const std::string& cls, const std::filesystem::path& model);
// ConfigError when `out` is empty, IoError when its folder is missing or it
// is a folder, ConfigError when it is the input model itself.
void check_compiled_model_path(const std::string& cls, const std::filesystem::path& out,
                               const std::filesystem::path& input_model);

}  // namespace kenning
