// `kenning optimize test`: the scenario's optimizer chain runs, the final
// model is tested (with a default runtime for its format when the scenario
// has none), and --evaluate-unoptimized nests the unoptimized results.

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The committed CNN, optimized by the ONNX graph optimizer, with no runtime block.
fs::path write_scenario(const fs::path& dir) {
  const fs::path cfg = dir / "s.json";
  std::ofstream(cfg)
      << json{{"dataset",
               {{"type", "FashionMNISTDataset"},
                {"parameters",
                 {{"dataset_root", "/usr/share/datasets/fashion-mnist"}, {"inference_batch_size", 500}}}}},
              {"model_wrapper",
               {{"type", "PyTorchFashionMNISTCNN"}, {"parameters", {{"model_path", "models/fashion-mnist-cnn.onnx"}}}}},
              {"optimizers", json::array({{{"type", "ONNXGraphOptimizer"},
                                           {"parameters", {{"compiled_model_path", (dir / "opt.onnx").string()}}}}})}}
             .dump(2);
  return cfg;
}

}  // namespace

TEST(CliOptimize, ChainWithoutRuntimeUsesTheDefaultAndNestsUnoptimizedResults) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "needs dataset-fashion-mnist";
  }
  const auto dir = e2e_temp_dir("optimize", "chain");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"optimize", "test", "--cfg", write_scenario(dir).string(), "--measurements", out.string(),
                              "--evaluate-unoptimized"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir / "opt.onnx"));
  const json m = read_json(out);
  EXPECT_EQ(m["build_cfg"]["runtime"]["type"], "ONNXExecRuntime");
  EXPECT_EQ(m["compiled_model_path"], (dir / "opt.onnx").string());
  ASSERT_TRUE(m.contains("__unoptimized__"));
  const json& before = m["__unoptimized__"];
  EXPECT_EQ(before["compiled_model_path"], "models/fashion-mnist-cnn.onnx");
  EXPECT_EQ(before["total"], 10000);
  // Graph optimization keeps the answers: same accuracy before and after.
  EXPECT_NEAR(m["accuracy"].get<double>(), before["accuracy"].get<double>(), 1e-4);
  EXPECT_GT(m["accuracy"].get<double>(), 0.9);
}

TEST(CliOptimize, EvaluateUnoptimizedNeedsOptimizeAndTest) {
  const auto r = run_kenning({"test", "--cfg", "scenarios/fashion-mnist-cnn.json", "--evaluate-unoptimized"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--evaluate-unoptimized"), std::string::npos) << r.err;
}

// The shipped int8 scenario, against the float model it starts from.
TEST(CliOptimize, Int8ScenarioStaysWithinOnePointOfFloat) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "needs dataset-fashion-mnist";
  }
  const auto dir = e2e_temp_dir("optimize", "int8");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"optimize", "test", "--cfg", "scenarios/fashion-mnist-int8.json", "--measurements",
                              out.string(), "--evaluate-unoptimized"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  const json& before = m["__unoptimized__"];
  EXPECT_EQ(m["total"], 10000);
  EXPECT_GE(m["accuracy"].get<double>(), before["accuracy"].get<double>() - 0.01);
  EXPECT_LE(m["compiled_model_size"].get<double>(), 0.3 * before["compiled_model_size"].get<double>());
  // The ratios a reader looks for, computed from both runs.
  const json& effect = m["optimization_effect"];
  EXPECT_NEAR(effect["model_size_ratio"].get<double>(),
              m["compiled_model_size"].get<double>() / before["compiled_model_size"].get<double>(), 1e-9);
  EXPECT_NEAR(effect["accuracy_change"].get<double>(), m["accuracy"].get<double>() - before["accuracy"].get<double>(),
              1e-9);
  EXPECT_GT(effect["inference_time_ratio"].get<double>(), 0.0);
  const json& q = m["optimizers"].at(0);
  EXPECT_EQ(q["quantized_weights"], 4);
  EXPECT_EQ(q["calibration_samples"], 512);
  EXPECT_TRUE(q["per_channel"].get<bool>());
}

TEST(CliOptimize, CalibrationSetSmallerThanAskedFailsBeforeTheChainStarts) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "needs dataset-fashion-mnist";
  }
  const auto dir = e2e_temp_dir("optimize", "calib");
  const fs::path cfg = dir / "s.json";
  std::ofstream(cfg)
      << json{{"dataset",
               {{"type", "FashionMNISTDataset"},
                {"parameters", {{"dataset_root", "/usr/share/datasets/fashion-mnist"}}}}},
              {"model_wrapper",
               {{"type", "PyTorchFashionMNISTCNN"}, {"parameters", {{"model_path", "models/fashion-mnist-cnn.onnx"}}}}},
              {"optimizers", json::array({{{"type", "ONNXGraphOptimizer"},
                                           {"parameters", {{"compiled_model_path", (dir / "opt.onnx").string()}}}},
                                          {{"type", "ONNXInt8Quantizer"},
                                           {"parameters",
                                            {{"compiled_model_path", (dir / "q.onnx").string()},
                                             {"calibration_samples", 1000000}}}}})}}
             .dump(2);
  const auto out = dir / "m.json";
  const auto r = run_kenning({"optimize", "test", "--cfg", cfg.string(), "--measurements", out.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("calibration_samples is 1000000"), std::string::npos) << r.err;
  // Checked before the chain starts: not even the first step ran.
  EXPECT_FALSE(fs::exists(dir / "opt.onnx"));
  EXPECT_FALSE(fs::exists(dir / "q.onnx"));
  EXPECT_FALSE(fs::exists(out));
}
