#include "optimizers/torchscript_optimizer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <random>

#include <spdlog/spdlog.h>
#include <torch/script.h>
#include <torch/version.h>

#include "kenning/core/error.h"

namespace kenning {
namespace {

constexpr const char* kClass = "TorchScriptOptimizer";

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  const auto end = text.find_last_not_of(' ');
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

bool looks_like_zip(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  return in.gcount() == 4 && std::memcmp(magic.data(), "PK\x03\x04", 4) == 0;
}

std::int64_t count_nodes(torch::jit::Module& m) {
  if (!m.find_method("forward")) return 0;
  std::int64_t n = 0;
  for (auto* node : m.get_method("forward").graph()->nodes()) {
    (void)node;
    ++n;
  }
  return n;
}

}  // namespace

TorchScriptOptimizer::TorchScriptOptimizer(const Params& params) : params_(params) { schema().check(params_); }

std::string TorchScriptOptimizer::framework_version() const { return TORCH_VERSION; }

IOSpec TorchScriptOptimizer::compile(const std::filesystem::path& input_model, const IOSpec& spec,
                                     const CalibrationData* /*calibration*/) {
  namespace fs = std::filesystem;
  const fs::path& out = params_.compiled_model_path;
  check_input_model(kClass, input_model);
  check_compiled_model_path(kClass, out, input_model);
  const std::string file = input_model.string();
  if (!looks_like_zip(input_model)) {
    throw IoError(std::string(kClass) + ": input model '" + file +
                  "' is not a TorchScript archive (torch::jit::save writes a zip file)");
  }
  auto load = [&](const std::string& path) {
    try {
      return torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error& e) {
      throw BackendError(std::string(kClass) + ": cannot load '" + path +
                         "' as TorchScript: " + one_line(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      throw BackendError(std::string(kClass) + ": cannot load '" + path + "' as TorchScript: " + one_line(e.what()));
    }
  };
  auto optimized = [&](bool for_inference) {
    torch::jit::Module module = load(file);
    if (!module.find_method("forward")) {
      throw BackendError(std::string(kClass) + ": '" + file +
                         "' has no forward() method (weights only, not a scripted model?)");
    }
    module.eval();  // freeze refuses modules in training mode
    try {
      module = torch::jit::freeze(module);
      if (for_inference) module = torch::jit::optimize_for_inference(module);
    } catch (const c10::Error& e) {
      throw BackendError(std::string(kClass) + ": cannot freeze/optimize '" + file +
                         "': " + one_line(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      throw BackendError(std::string(kClass) + ": cannot freeze/optimize '" + file + "': " + one_line(e.what()));
    }
    return module;
  };
  // Writes `module` to a temporary file next to the target; nothing is left
  // behind on error.
  const fs::path tmp = out.string() + ".tmp" + std::to_string(std::random_device{}());
  auto save_tmp = [&](torch::jit::Module& module) {
    try {
      module.save(tmp.string());
    } catch (const c10::Error& e) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw BackendError(std::string(kClass) + ": cannot save the optimized '" + file + "' to '" + out.string() +
                         "': " + one_line(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw IoError(std::string(kClass) + ": cannot write '" + out.string() + "': " + one_line(e.what()));
    }
  };

  OptimizerReport report;
  report.bytes_before = fs::file_size(input_model);
  {
    torch::jit::Module original = load(file);
    report.nodes_before = count_nodes(original);
  }
  torch::jit::Module module = optimized(params_.optimize_for_inference);
  save_tmp(module);
  if (params_.optimize_for_inference) {
    // libtorch 1.13's optimize_for_inference can leave oneDNN-packed
    // constants that torch::jit::save writes but torch::jit::load cannot read
    // back; then keep the frozen module (freezing already folds Conv+BatchNorm
    // and drops dropout; PyTorchRuntime redoes the oneDNN step at load).
    try {
      (void)torch::jit::load(tmp.string(), torch::kCPU);
    } catch (const std::exception& e) {
      spdlog::warn(
          "{}: the optimize_for_inference result of '{}' does not load back ({}); "
          "saving the frozen model without it",
          kClass, file, one_line(e.what()).substr(0, 200));
      module = optimized(false);
      save_tmp(module);
    }
  }
  report.nodes_after = count_nodes(module);
  try {
    fs::rename(tmp, out);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw IoError(std::string(kClass) + ": cannot write '" + out.string() + "': " + e.what());
  }
  try {
    save_io_spec(spec, out);
  } catch (...) {
    std::error_code ec;
    fs::remove(out, ec);
    throw;
  }
  report.bytes_after = fs::file_size(out);
  report_ = report;
  spdlog::info("{}: {} -> {}: forward graph {} -> {} nodes, {} -> {} bytes", kClass, file, out.string(),
               report.nodes_before, report.nodes_after, report.bytes_before, report.bytes_after);
  return spec;
}

}  // namespace kenning
