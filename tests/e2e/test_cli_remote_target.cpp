// Remote targets beyond plain inference, end to end with `kenning server` in
// a child process: optimizers run on the target (OPTIMIZERS /
// UNOPTIMIZED_MODEL / OPTIMIZE_MODEL), the target-side benchmark mode, and
// a whole `kenning test` over a serial line (a pseudo-terminal pair).
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "remote_scenarios.h"
#include "pty_link.h"
#include "run_kenning.h"
#include "server_process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json local_run(const fs::path& dir) {
  const auto out = dir / "local.json";
  const auto r = run_kenning(with({"test", "--cfg", kLocalScenario, "--measurements", out.string()}, kReduced));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_json(out);
}

}  // namespace

TEST(CliRemoteTarget, OptimizersRunOnTheTargetAndTheTargetBenchmarksItself) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("remote-target", "optimize");
  const json local = local_run(dir);

  // The remote scenario plus a graph optimizer that runs on the target.
  json scenario = read_json(fs::path(KENNING_TEST_SOURCE_DIR) / kRemoteScenario);
  const auto compiled = dir / "host-side" / "cnn-target-optimized.onnx";
  fs::create_directories(compiled.parent_path());
  scenario["optimizers"] =
      json::array({{{"type", "ONNXGraphOptimizer"},
                    {"parameters", {{"compiled_model_path", compiled.string()}, {"location", "target"}}}}});
  const auto cfg = dir / "scenario.json";
  std::ofstream(cfg) << scenario.dump(2);

  const auto models = dir / "server-models";
  ServerProcess server({"--cfg", kServerScenario, "--port", "0", "--max-clients", "2", "--model-dir", models.string()},
                       dir);
  ASSERT_GT(server.port(), 0) << server.log();
  const auto out = dir / "remote.json";
  const auto r = run_kenning(
      with({"optimize", "test", "--cfg", cfg.string(), "--port", std::to_string(server.port()),
            "--target-benchmark-runs", "300", "--target-benchmark-warmup", "20", "--measurements", out.string()},
           kReduced),
      300);
  ASSERT_EQ(r.exit_code, 0) << r.err << "\nserver:\n" << server.log();
  EXPECT_TRUE(server.wait_exit(std::chrono::seconds(20))) << "two sessions: optimize, then test\n" << server.log();

  // The compiled model came back to the host's path, with its I/O sidecar;
  // on the target it was written under the server's own name.
  ASSERT_TRUE(fs::exists(compiled));
  EXPECT_TRUE(fs::exists(compiled.string() + ".json") || fs::exists(fs::path(compiled).replace_extension(".json")))
      << "I/O sidecar of the compiled model";
  EXPECT_TRUE(fs::exists(models / "optimized-0.onnx"));
  EXPECT_EQ(fs::file_size(compiled), fs::file_size(models / "optimized-0.onnx"));

  const json m = read_json(out);
  ASSERT_EQ(m["optimizers"].size(), 1u);
  EXPECT_EQ(m["optimizers"][0]["location"], "target");
  EXPECT_TRUE(m["optimizers"][0].contains("target_compile_time")) << m["optimizers"].dump();
  EXPECT_LE(m["optimizers"][0]["nodes_after"].get<int>(), m["optimizers"][0]["nodes_before"].get<int>())
      << "the target's report of what the optimizer did";
  EXPECT_GT(m["optimizers"][0]["model_size_after"].get<int>(), 0);
  EXPECT_EQ(m["compiled_model_path"], compiled.string());
  EXPECT_NEAR(m["accuracy"].get<double>(), local["accuracy"].get<double>(), 0.011);

  // The benchmark: 300 timed runs on the target, apart from the test set's 20.
  EXPECT_EQ(m["target_inference_step"].size(), 20u);
  ASSERT_EQ(m["target_benchmark_step"].size(), 300u);
  EXPECT_EQ(m["target_benchmark"]["warmup"], 20);
  EXPECT_EQ(m["target_benchmark"]["truncated"], false);
  EXPECT_TRUE(m["target_benchmark_statistics"]["percentiles"].contains("p90"));
  EXPECT_NE(r.out.find("target bench:    300 runs after 20 warm-ups"), std::string::npos) << r.out;
}

TEST(CliRemoteTarget, TargetSideOptionsNeedATarget) {
  const auto dir = e2e_temp_dir("remote-target", "no-target");
  const auto bench = run_kenning(
      {"test", "--cfg", kLocalScenario, "--target-benchmark-runs", "10", "--measurements", (dir / "m.json").string()});
  EXPECT_EQ(bench.exit_code, 2) << bench.err;
  EXPECT_NE(bench.err.find("--target-benchmark-runs: needs a protocol block"), std::string::npos) << bench.err;
  EXPECT_FALSE(fs::exists(dir / "m.json"));
}

TEST(CliRemoteTarget, TestRunsOverASerialLine) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("remote-target", "serial");
  std::unique_ptr<kenning::testing::PtyLink> line;
  try {
    line = std::make_unique<kenning::testing::PtyLink>();
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  const json local = local_run(dir);
  ServerProcess server(
      {"--protocol-cls", "UARTProtocol", "--port", line->end_a(), "--baudrate", "115200", "--runtime-cls",
       "ONNXExecRuntime", "--max-clients", "1", "--model-dir", (dir / "models").string()},
      dir, "listening on " + line->end_a());
  ASSERT_TRUE(server.ready()) << server.log();
  const auto out = dir / "serial.json";
  const auto r = run_kenning(with({"test", "--cfg", kRemoteScenario, "--protocol-cls", "UARTProtocol", "--port",
                                   line->end_b(), "--baudrate", "115200", "--measurements", out.string()},
                                  kReduced),
                             300);
  ASSERT_EQ(r.exit_code, 0) << r.err << "\nserver:\n" << server.log();
  // The client's goodbye (PING + FAIL) ends the session: the server leaves.
  EXPECT_TRUE(server.wait_exit(std::chrono::seconds(20))) << server.log();
  const json m = read_json(out);
  EXPECT_EQ(m["accuracy"], local["accuracy"]);
  EXPECT_EQ(m["eval_confusion_matrix"], local["eval_confusion_matrix"]);
  EXPECT_EQ(m["target_inference_step"].size(), 20u);
  EXPECT_EQ(m["build_cfg"]["protocol"]["type"], "UARTProtocol");
  EXPECT_NE(server.log().find("said goodbye"), std::string::npos) << server.log();
}
