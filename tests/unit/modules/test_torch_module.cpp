// The libtorch module: where it is looked for, that listing the libtorch
// classes does not load libtorch, and that building one does. What a user
// sees when the module is missing or broken is tested end to end
// (tests/e2e/test_cli_torch_module.cpp).
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "kenning/registries.h"
#include "loaded_libraries.h"
#include "modules/torch/torch_module.h"

namespace fs = std::filesystem;
using namespace kenning;

using kenning::testing::library_loaded;

TEST(TorchModule, IsLookedForBesideTheProgram) {
  ::unsetenv("KENNING_TORCH_MODULE");
  const fs::path bin = fs::read_symlink("/proc/self/exe").parent_path();
  EXPECT_EQ(torch_module::module_file(), bin.parent_path() / "lib" / "kenning" / "libkenning_torch.so");
  EXPECT_TRUE(fs::is_regular_file(torch_module::module_file())) << torch_module::module_file();
}

TEST(TorchModule, TheVariableNamesAnotherFile) {
  ::setenv("KENNING_TORCH_MODULE", "/opt/elsewhere/libkenning_torch.so", 1);
  EXPECT_EQ(torch_module::module_file(), fs::path("/opt/elsewhere/libkenning_torch.so"));
  ::unsetenv("KENNING_TORCH_MODULE");
}

TEST(TorchModule, ListingDoesNotLoadLibtorchAndBuildingAClassDoes) {
  ::unsetenv("KENNING_TORCH_MODULE");
  ASSERT_FALSE(library_loaded("libtorch_cpu")) << "this test must not link libtorch";

  Registry<Runtime> runtimes("runtime", "kenning.runtimes");
  register_runtimes(runtimes);
  const ClassInfo& info = runtimes.find("ONNXExecRuntime");
  EXPECT_TRUE(info.available);
  EXPECT_FALSE(info.params.empty());
  EXPECT_FALSE(library_loaded("libtorch_cpu"));
  EXPECT_FALSE(library_loaded("libkenning_torch"));

  const auto runtime = runtimes.create("ONNXExecRuntime", nlohmann::json::object(), "test");
  EXPECT_EQ(runtime->framework(), "onnx_exec");
  EXPECT_EQ(runtime->type_name(), "ONNXExecRuntime");
  EXPECT_TRUE(library_loaded("libkenning_torch"));
  EXPECT_TRUE(library_loaded("libtorch_cpu"));
}
