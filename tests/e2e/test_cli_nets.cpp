// `kenning test` with the NetGraph wrappers on random tensors: the model
// file is created from the seed on the first run, then timed through our
// ONNX executor and natively (no runtime block); no evaluation.

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A speed-run scenario for `wrapper` with `params`, plus an optional runtime.
void write_scenario(const fs::path& cfg, const std::string& wrapper, const json& params, const std::string& runtime) {
  json s = {{"dataset", {{"type", "random_tensors"}, {"parameters", {{"samples", 6}, {"inference_batch_size", 3}}}}},
            {"model_wrapper", {{"type", wrapper}, {"parameters", params}}}};
  if (!runtime.empty()) s["runtime"] = {{"type", runtime}, {"parameters", {{"num_threads", 1}}}};
  std::ofstream(cfg) << s.dump(2);
}

}  // namespace

class CliNets : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!KENNING_TEST_WITH_NETS) GTEST_SKIP() << "needs libtorch and libonnx";
  }
};

TEST_F(CliNets, MobileNetV2IsCreatedThenTimedThroughOnnxExec) {
  const auto dir = e2e_temp_dir("nets", "mobilenet");
  const auto cfg = dir / "s.json";
  const auto model = dir / "models" / "mobilenet.onnx";
  write_scenario(cfg, "mobilenet_v2",
                 {{"model_path", model.string()}, {"width_mult", 0.5}, {"input_size", 64}, {"num_classes", 10}},
                 "onnx_exec");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(model));
  EXPECT_TRUE(fs::exists(dir / "models" / "mobilenet.pt"));
  EXPECT_NE(r.err.find("initialised from seed 42"), std::string::npos) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["evaluation"], "none");
  EXPECT_EQ(m["target_inference_step"].size(), 2u);  // 6 samples, batches of 3
  EXPECT_EQ(m["build_cfg"]["model_wrapper"]["type"], "PyTorchMobileNetV2");
  EXPECT_EQ(m["model_framework"], "torch");
  EXPECT_EQ(m["runtime_framework"], "onnx_exec");
}

TEST_F(CliNets, ResNetRunsNatively) {
  const auto dir = e2e_temp_dir("nets", "resnet");
  const auto cfg = dir / "s.json";
  write_scenario(cfg, "resnet",
                 {{"model_path", (dir / "r.pt").string()}, {"depth", 10}, {"base_width", 16}, {"input_size", 64}}, "");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["evaluation"], "none");
  EXPECT_EQ(m["target_inference_step"].size(), 2u);
  EXPECT_EQ(m["build_cfg"]["model_wrapper"]["parameters"]["depth"], 10);
}

TEST(CliNetsErrors, BadDepthNamesTheBlockAndKey) {
  const auto dir = e2e_temp_dir("nets", "errors");
  const auto cfg = dir / "s.json";
  write_scenario(cfg, "resnet", {{"model_path", (dir / "r.onnx").string()}, {"depth", 19}}, "onnx_exec");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("model_wrapper: PyTorchResNet: parameter 'depth': expected 10, 18 or 34, got 19"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "r.pt"));
}
