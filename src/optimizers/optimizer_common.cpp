#include "optimizers/optimizer_common.h"

#include <system_error>

#include "kenning/core/error.h"

namespace kenning {

nlohmann::json report_to_json(const OptimizerReport& r) {
  if (r.bytes_before == 0 && r.bytes_after == 0) return nlohmann::json::object();
  return {{"nodes_before", r.nodes_before},
          {"nodes_after", r.nodes_after},
          {"model_size_before", r.bytes_before},
          {"model_size_after", r.bytes_after}};
}

void check_input_model(const std::string& cls, const std::filesystem::path& model) {
  std::error_code ec;
  if (model.empty()) throw IoError(cls + ": no input model given");
  if (!std::filesystem::exists(model, ec)) {
    throw IoError(cls + ": input model '" + model.string() + "' does not exist");
  }
  if (!std::filesystem::is_regular_file(model, ec)) {
    throw IoError(cls + ": input model '" + model.string() + "' is not a file");
  }
}

void check_compiled_model_path(const std::string& cls, const std::filesystem::path& out,
                               const std::filesystem::path& input_model) {
  namespace fs = std::filesystem;
  if (out.empty()) throw ConfigError(cls + ": compiled_model_path is empty");
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw IoError(cls + ": compiled_model_path '" + out.string() + "': folder '" + folder.string() +
                  "' does not exist");
  }
  if (fs::is_directory(out, ec)) {
    throw IoError(cls + ": compiled_model_path '" + out.string() + "' is a folder, expected a file path");
  }
  if (fs::exists(out, ec) && fs::equivalent(out, input_model, ec)) {
    throw ConfigError(cls + ": compiled_model_path '" + out.string() +
                      "' is the input model itself; choose another file");
  }
}

}  // namespace kenning
