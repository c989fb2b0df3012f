// TorchScriptOptimizer on the project's TorchScript CNN: frozen and optimized
// outputs equal the original's, the sidecar comes along, errors name files.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <gtest/gtest.h>
#include <torch/script.h>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/registries.h"
#include "test_support.h"
#include "optimizers/torchscript_optimizer.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

const fs::path kCnn = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.ts";

torch::Tensor forward(const fs::path& model, const torch::Tensor& x) {
  torch::jit::Module m = torch::jit::load(model.string());
  m.eval();
  c10::InferenceMode guard;
  return m.forward({x}).toTensor();
}

}  // namespace

TEST(TorchScriptOptimizer, KeepsTheCnnOutputs) {
  TempDir dir;
  TorchScriptOptimizer::Params p;
  p.compiled_model_path = dir.path() / "cnn-opt.ts";
  TorchScriptOptimizer opt(p);
  const IOSpec spec = load_io_spec(kCnn);
  const IOSpec got_spec = opt.compile(kCnn, spec, nullptr);
  ASSERT_TRUE(fs::exists(p.compiled_model_path));
  ASSERT_TRUE(fs::exists(io_spec_path(p.compiled_model_path)));
  EXPECT_EQ(load_io_spec(p.compiled_model_path).to_json(), spec.to_json());
  EXPECT_EQ(got_spec.to_json(), spec.to_json());
  torch::manual_seed(11);
  const auto x = torch::rand({4, 1, 28, 28});
  const double diff = (forward(kCnn, x) - forward(p.compiled_model_path, x)).abs().max().item<double>();
  EXPECT_LT(diff, 1e-5);
  std::cout << "fashion-mnist-cnn.ts: forward graph " << opt.last_report().nodes_before << " -> "
            << opt.last_report().nodes_after << " nodes, " << opt.last_report().bytes_before << " -> "
            << opt.last_report().bytes_after << " bytes, max abs diff " << diff << "\n";
}

TEST(TorchScriptOptimizer, FreezeOnly) {
  TempDir dir;
  TorchScriptOptimizer::Params p;
  p.compiled_model_path = dir.path() / "cnn-frozen.ts";
  p.optimize_for_inference = false;
  TorchScriptOptimizer opt(p);
  opt.compile(kCnn, load_io_spec(kCnn), nullptr);
  torch::manual_seed(12);
  const auto x = torch::rand({2, 1, 28, 28});
  EXPECT_LT((forward(kCnn, x) - forward(p.compiled_model_path, x)).abs().max().item<double>(), 1e-5);
}

TEST(TorchScriptOptimizer, BadInputsNameTheFileAndWriteNothing) {
  TempDir dir;
  TorchScriptOptimizer::Params p;
  p.compiled_model_path = dir.path() / "out.ts";
  TorchScriptOptimizer opt(p);
  EXPECT_HAS(error_of<IoError>([&] { opt.compile(dir.path() / "missing.ts", IOSpec{}, nullptr); }), "missing.ts");
  const fs::path garbage = dir.path() / "garbage.ts";
  std::ofstream(garbage) << "not a model";
  EXPECT_HAS(error_of<IoError>([&] { opt.compile(garbage, IOSpec{}, nullptr); }), "garbage.ts");
  EXPECT_FALSE(fs::exists(p.compiled_model_path));

  p.compiled_model_path = dir.path() / "no-such-folder" / "out.ts";
  TorchScriptOptimizer nowhere(p);
  EXPECT_HAS(error_of<IoError>([&] { nowhere.compile(kCnn, IOSpec{}, nullptr); }), "no-such-folder");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);

  p.location = static_cast<OptimizerLocation>(7);
  EXPECT_HAS(error_of<ConfigError>([&] { TorchScriptOptimizer o(p); }),
             "TorchScriptOptimizer.location: expected one of: host, target, got 7");
}

TEST(TorchScriptOptimizer, IsRegistered) {
  const auto& r = registries().optimizers;
  EXPECT_TRUE(r.find("torchscript_optimizer").available);
  TempDir dir;
  auto o = r.create("torchscript_optimizer", {{"compiled_model_path", (dir.path() / "x.ts").string()}},
                    "s.json: optimizers[0]");
  EXPECT_EQ(o->type_name(), "TorchScriptOptimizer");
  EXPECT_EQ(o->output_formats(), std::vector<std::string>{"torchscript"});
  EXPECT_HAS(error_of<ConfigError>(
                 [&] { r.create("torchscript_optimizer", nlohmann::json::object(), "s.json: optimizers[0]"); }),
             "compiled_model_path");
}
