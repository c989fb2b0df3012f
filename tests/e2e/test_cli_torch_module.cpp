// `kenning` without a usable libtorch module (src/modules/torch/): what needs
// libtorch fails with one error naming the module file and what is wrong
// with it, writes nothing, and everything else still works.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;

namespace {

// Points KENNING_TORCH_MODULE at `file` for the commands run in its scope.
class ModuleOverride {
 public:
  explicit ModuleOverride(const fs::path& file) { ::setenv("KENNING_TORCH_MODULE", file.c_str(), 1); }
  ~ModuleOverride() { ::unsetenv("KENNING_TORCH_MODULE"); }
  ModuleOverride(const ModuleOverride&) = delete;
  ModuleOverride& operator=(const ModuleOverride&) = delete;
};

const char* kScenario = R"({"dataset": {"type": "random_tensors", "parameters": {"samples": 4}},
  "model_wrapper": {"type": "onnx_model", "parameters": {"model_path": "models/fashion-mnist-cnn.onnx"}},
  "runtime": {"type": "ONNXExecRuntime"}})";

CommandResult run_scenario(const fs::path& dir, const fs::path& measurements) {
  const auto cfg = dir / "s.json";
  std::ofstream(cfg) << kScenario;
  return run_kenning({"test", "--cfg", cfg.string(), "--measurements", measurements.string()});
}

}  // namespace

TEST(CliTorchModule, MissingModuleIsOneErrorNamingTheFile) {
  const auto dir = e2e_temp_dir("torch-module", "missing");
  const auto module = dir / "nowhere" / "libkenning_torch.so";
  const auto out = dir / "m.json";
  ModuleOverride override_module(module);
  const auto r = run_scenario(dir, out);
  EXPECT_EQ(r.exit_code, 5) << r.err;  // NotSupported
  EXPECT_NE(r.err.find("kenning: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ONNXExecRuntime needs libtorch, and its module " + module.string() + " is missing"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("KENNING_TORCH_MODULE"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliTorchModule, BrokenModuleSaysWhyItCannotBeLoaded) {
  const auto dir = e2e_temp_dir("torch-module", "broken");
  const auto module = dir / "libkenning_torch.so";
  std::ofstream(module) << "not a shared library\n";
  const auto out = dir / "m.json";
  ModuleOverride override_module(module);
  const auto r = run_scenario(dir, out);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("its module " + module.string() + " cannot be loaded: "), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliTorchModule, CommandsWithoutLibtorchDoNotNeedIt) {
  const auto dir = e2e_temp_dir("torch-module", "list");
  ModuleOverride override_module(dir / "nowhere.so");
  const auto list = run_kenning({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("ONNXExecRuntime"), std::string::npos) << list.out;
  const auto info = run_kenning({"info", "ONNXExecRuntime"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("num_threads"), std::string::npos) << info.out;
}

TEST(CliTorchModule, TheBuiltModuleRunsTheScenario) {
  const auto dir = e2e_temp_dir("torch-module", "built");
  const auto out = dir / "m.json";
  const auto r = run_scenario(dir, out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(out)["runtime_framework"], "onnx_exec");
}
