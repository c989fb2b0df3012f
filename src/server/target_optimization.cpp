#include "server/target_optimization.h"

#include <chrono>
#include <fstream>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

// The extension of a client-named file, kept only when it is plain
// lowercase letters and digits (it picks the runtime's format, never a path).
std::string safe_extension(const std::string& name) {
  const auto ext = std::filesystem::path(name).extension().string();
  if (ext.size() < 2 || ext.size() > 12) return ".bin";
  for (std::size_t i = 1; i < ext.size(); ++i) {
    const char c = ext[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return ".bin";
  }
  return ext;
}

void write_whole(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  const auto temp = std::filesystem::path(path.string() + ".upload.tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw IoError(temp.string() + ": cannot write the uploaded model");
  }
  std::filesystem::rename(temp, path);
}

std::vector<std::byte> read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot read the compiled model");
  in.seekg(0, std::ios::end);
  std::vector<std::byte> bytes(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw IoError(path.string() + ": cannot read the compiled model");
  return bytes;
}

}  // namespace

void TargetOptimization::set_request(std::span<const std::byte> payload, const OptimizerFactory& factory,
                                     const std::filesystem::path& model_dir) {
  chain_.clear();
  spec_.reset();
  if (!factory) throw NotSupported("OPTIMIZERS: this server runs no optimizers");
  const auto* text = reinterpret_cast<const char*>(payload.data());
  const auto request = nlohmann::json::parse(text, text + payload.size(), nullptr, false);
  if (request.is_discarded() || !request.is_object()) throw ConfigError("OPTIMIZERS: payload is not a JSON object");
  const auto blocks = request.find("optimizers");
  if (blocks == request.end() || !blocks->is_array() || blocks->empty()) {
    throw ConfigError("OPTIMIZERS: 'optimizers' must be a non-empty list of {type, parameters} blocks");
  }
  if (blocks->size() > kMaxOptimizers) {
    throw ConfigError("OPTIMIZERS: " + std::to_string(blocks->size()) + " optimizers, at most " +
                      std::to_string(kMaxOptimizers));
  }
  const auto prev = request.find("prev_block");
  if (prev == request.end() || !prev->is_object() || !prev->contains("io_spec")) {
    throw ConfigError("OPTIMIZERS: 'prev_block.io_spec' (the input model's I/O specification) is missing");
  }
  IOSpec spec = IOSpec::from_json((*prev)["io_spec"], "OPTIMIZERS prev_block.io_spec");

  std::vector<std::unique_ptr<Optimizer>> chain;
  for (std::size_t i = 0; i < blocks->size(); ++i) {
    const std::string where = "OPTIMIZERS optimizers[" + std::to_string(i) + "]";
    const auto& block = (*blocks)[i];
    if (!block.is_object() || !block.contains("type") || !block["type"].is_string()) {
      throw ConfigError(where + ": expected {\"type\": ..., \"parameters\": {...}}");
    }
    nlohmann::json params = block.value("parameters", nlohmann::json::object());
    if (!params.is_object()) throw ConfigError(where + ".parameters: expected an object");
    params["compiled_model_path"] = (model_dir / ("optimized-" + std::to_string(i) +
                                                  safe_extension(params.value("compiled_model_path", std::string()))))
                                        .string();
    params["location"] = "host";
    auto optimizer = factory(nlohmann::json{{"type", block["type"]}, {"parameters", params}}, where);
    optimizer->check_calibration(nullptr);
    chain.push_back(std::move(optimizer));
  }
  chain_ = std::move(chain);
  spec_ = std::move(spec);
}

void TargetOptimization::set_model(std::span<const std::byte> payload, const std::filesystem::path& model_dir) {
  if (chain_.empty()) throw ConfigError("UNOPTIMIZED_MODEL before OPTIMIZERS");
  if (payload.empty()) throw ConfigError("UNOPTIMIZED_MODEL: empty model");
  const auto& formats = chain_.front()->input_formats();
  model_ = model_dir / ("unoptimized." + (formats.empty() ? std::string("bin") : formats.front()));
  write_whole(model_, payload);
}

std::vector<std::byte> TargetOptimization::run(Measurements& stats) {
  if (chain_.empty() || !spec_) throw ConfigError("OPTIMIZE_MODEL before OPTIMIZERS");
  if (model_.empty()) throw ConfigError("OPTIMIZE_MODEL before UNOPTIMIZED_MODEL");
  std::filesystem::path model = model_;
  IOSpec spec = *spec_;
  nlohmann::json reports = nlohmann::json::array();
  for (auto& optimizer : chain_) {
    const auto start = std::chrono::steady_clock::now();
    spdlog::info("optimizing {} with {} on the target", model.filename().string(), optimizer->type_name());
    spec = optimizer->compile(model, spec, nullptr);
    model = optimizer->compiled_model_path();
    reports.push_back({{"type", optimizer->type_name()},
                       {"time", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()},
                       {"report", optimizer->compile_report()}});
  }
  stats.set(keys::target_optimizers, reports);
  stats.set(keys::optimized_io_spec, spec.to_json());
  return read_whole(model);
}

}  // namespace kenning
