// `kenning test` with the generic ONNX wrappers: speed runs on random
// tensors shaped from the model (no evaluation), the committed Fashion-MNIST
// model through ONNXImageClassifier on the real test set, and bad input.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kFashionRoot = "/usr/share/datasets/fashion-mnist";
const char* kModel = "models/fashion-mnist-cnn.onnx";

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

bool have_fashion_mnist() { return fs::exists(fs::path(kFashionRoot) / "t10k-images-idx3-ubyte.gz"); }

void expect_clean_failure(const CommandResult& r, int code, const std::string& needle, const fs::path& output) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_NE(r.err.find("kenning: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(output)) << "a failed run left " << output;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

// Performance keys every measurements file has, evaluated or not.
void expect_performance_keys(const json& m, std::size_t batches) {
  EXPECT_EQ(m["target_inference_step"].size(), batches);
  EXPECT_EQ(m["target_inference_step_timestamp"].size(), batches);
  EXPECT_EQ(m["input_preprocess_step"].size(), batches);
  EXPECT_EQ(m["output_postprocess_step"].size(), batches);
  for (const char* key : {"command", "host", "model_framework", "runtime_framework", "runtime_version",
                          "compiled_model_size", "inferencetime_mean", "inferencetime_median", "inferencetime_std",
                          "inferencetime_min", "inferencetime_max", "session_time", "session_utilization_cpus_percent",
                          "session_utilization_mem_percent", "session_utilization_timestamp"}) {
    EXPECT_TRUE(m.contains(key)) << key;
  }
  EXPECT_GT(m["inferencetime_mean"].get<double>(), 0);
}

void expect_no_quality_metrics(const json& m) {
  EXPECT_EQ(m["evaluation"], "none");
  for (const char* key : {"accuracy", "eval_confusion_matrix", "top_5_count", "total", "class_names"}) {
    EXPECT_FALSE(m.contains(key)) << key;
  }
}

}  // namespace

class CliGeneric : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!KENNING_TEST_WITH_ONNX_EXEC) GTEST_SKIP() << "needs ONNXExecRuntime (libtorch and libonnx)";
  }
};

TEST_F(CliGeneric, OnnxModelOnRandomTensorsMeasuresSpeedOnly) {
  const auto dir = e2e_temp_dir("generic", "random");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", "scenarios/onnx-model-random.json", "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("evaluation:      none (dataset RandomTensorDataset has no ground truth)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("inference time:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("accuracy:"), std::string::npos) << r.out;
  const json m = read_json(out);
  expect_performance_keys(m, 25);  // 200 samples, batches of 8
  expect_no_quality_metrics(m);
  EXPECT_NE(m["evaluation_skipped_reason"].get<std::string>().find("no ground truth"), std::string::npos);
  EXPECT_EQ(m["model_framework"], "onnx");
  EXPECT_EQ(m["build_cfg"]["dataset"]["type"], "RandomTensorDataset");
  EXPECT_EQ(m["build_cfg"]["model_wrapper"]["type"], "ONNXModel");
}

TEST_F(CliGeneric, BareModuleNamesJustWork) {
  const auto dir = e2e_temp_dir("generic", "bare");
  const auto cfg = dir / "s.json";
  write_text(cfg, R"({"dataset": {"type": "random_tensors", "parameters": {"samples": 20}},
      "model_wrapper": {"type": "onnx_model", "parameters": {"model_path": "models/fashion-mnist-cnn.onnx"}},
      "runtime": {"type": "onnx_exec"}})");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  expect_performance_keys(m, 20);  // free batch dimension: 1 sample per batch
  expect_no_quality_metrics(m);
  EXPECT_EQ(m["build_cfg"]["runtime"]["type"], "ONNXExecRuntime");
}

TEST_F(CliGeneric, OnnxModelOnALabelledDatasetSkipsEvaluation) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "needs dataset-fashion-mnist";
  const auto dir = e2e_temp_dir("generic", "labelled");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--dataset-cls", "FashionMNISTDataset", "--modelwrapper-cls", "ONNXModel",
                              "--model-path", kModel, "--runtime-cls", "ONNXExecRuntime", "--inference-batch-size",
                              "1000", "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  expect_performance_keys(m, 10);
  expect_no_quality_metrics(m);
  EXPECT_NE(m["evaluation_skipped_reason"].get<std::string>().find("ONNXModel returns raw model outputs"),
            std::string::npos);
}

TEST_F(CliGeneric, ImageClassifierScenarioMatchesTheCommittedModel) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "needs dataset-fashion-mnist";
  const auto dir = e2e_temp_dir("generic", "classifier");
  const auto labels = dir / "labels.txt";
  write_text(labels, "top\ntrouser\npullover\ndress\ncoat\nsandal\nshirt\nsneaker\nbag\nboot\n");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", "scenarios/fashion-mnist-onnx-image-classifier.json",
                              "--class-names-path", labels.string(), "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("accuracy:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("evaluation:      none"), std::string::npos) << r.out;
  const json m = read_json(out);
  EXPECT_EQ(m["total"], 10000);
  EXPECT_NEAR(m["accuracy"].get<double>(), 0.915, 0.001);
  EXPECT_EQ(m["eval_confusion_matrix"].size(), 10u);
  EXPECT_FALSE(m.contains("evaluation"));
  expect_performance_keys(m, 100);  // batches of 100
  EXPECT_EQ(m["build_cfg"]["model_wrapper"]["type"], "ONNXImageClassifier");
  EXPECT_EQ(m["build_cfg"]["model_wrapper"]["parameters"]["class_names_path"], labels.string());
  EXPECT_EQ(m["build_cfg"]["model_wrapper"]["parameters"]["input_layout"], "NCHW");
}

TEST(CliGenericErrors, BadModelLabelsNormalisationAndLayout) {
  const auto dir = e2e_temp_dir("generic", "errors");
  const auto out = dir / "m.json";
  const auto cfg = dir / "s.json";
  auto scenario = [&](const std::string& wrapper_params) {
    write_text(cfg, R"({"dataset": {"type": "FashionMNISTDataset"}, "model_wrapper": {"type": "ONNXImageClassifier",
        "parameters": )" +
                        wrapper_params + R"(}, "runtime": {"type": "ONNXExecRuntime"}})");
  };
  // Missing model file, for both wrappers.
  const std::string missing = (dir / "missing.onnx").string();
  scenario(R"({"model_path": ")" + missing + R"("})");
  auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 3, "ONNXImageClassifier: model_path: " + missing + ": no such model file", out);
  r = run_kenning({"test", "--dataset-cls", "random_tensors", "--modelwrapper-cls", "onnx_model", "--model-path",
                   missing, "--runtime-cls", "onnx_exec", "--measurements", out.string()});
  expect_clean_failure(r, 3, "ONNXModel: model_path: " + missing + ": no such model file", out);

  // Label file with 9 lines for a 10-class output.
  const auto labels = dir / "labels.txt";
  write_text(labels, "a\nb\nc\nd\ne\nf\ng\nh\ni\n");
  scenario(R"({"model_path": "models/fashion-mnist-cnn.onnx", "class_names_path": ")" + labels.string() + R"("})");
  r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2, "class_names_path: " + labels.string() + " lists 9 classes (one per line)", out);
  EXPECT_NE(r.err.find("has 10"), std::string::npos) << r.err;

  // mean / std with the wrong number of channels.
  scenario(R"({"model_path": "models/fashion-mnist-cnn.onnx", "mean": [0.5, 0.5, 0.5]})");
  r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2, "s.json: model_wrapper: ONNXImageClassifier: mean: expected 1 value or one per channel (1",
                       out);
  scenario(R"({"model_path": "models/fashion-mnist-cnn.onnx", "std": [1, 2]})");
  r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2, "ONNXImageClassifier: std: expected 1 value or one per channel", out);

  // Unknown layout.
  scenario(R"({"model_path": "models/fashion-mnist-cnn.onnx", "input_layout": "CHW"})");
  r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2, "s.json: model_wrapper.parameters.input_layout", out);
  EXPECT_NE(r.err.find("NCHW, NHWC"), std::string::npos) << r.err;
}

TEST_F(CliGeneric, OptimizerChainReportsNodeCountsAndSizes) {
  const auto dir = e2e_temp_dir("generic", "optimizers");
  const auto cfg = dir / "s.json";
  const auto opt = dir / "opt.onnx";
  const auto fp16 = dir / "fp16.onnx";
  write_text(cfg, R"({"dataset": {"type": "random_tensors", "parameters": {"samples": 10}},
      "model_wrapper": {"type": "onnx_model", "parameters": {"model_path": "models/fashion-mnist-cnn.onnx"}},
      "optimizers": [
        {"type": "onnx_graph_optimizer", "parameters": {"compiled_model_path": ")" +
                      opt.string() + R"("}},
        {"type": "onnx_fp16", "parameters": {"compiled_model_path": ")" +
                      fp16.string() + R"("}}],
      "runtime": {"type": "onnx_exec"}})");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"optimize", "test", "--cfg", cfg.string(), "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(fp16));
  EXPECT_TRUE(fs::exists(fs::path(fp16.string() + ".json")));
  const json m = read_json(out);
  ASSERT_EQ(m["optimizers"].size(), 2u) << m["optimizers"];
  const json& graph = m["optimizers"][0];
  EXPECT_EQ(graph["nodes_before"], 10);
  EXPECT_LE(graph["nodes_after"].get<int>(), 10);
  const json& half = m["optimizers"][1];
  EXPECT_LT(half["model_size_after"].get<double>(), 0.55 * half["model_size_before"].get<double>());
  EXPECT_EQ(m["compiled_model_path"], fp16.string());

  // Running an optimizer on the target needs a target: a protocol block.
  write_text(cfg, R"({"dataset": {"type": "random_tensors", "parameters": {"samples": 10}},
      "model_wrapper": {"type": "onnx_model", "parameters": {"model_path": "models/fashion-mnist-cnn.onnx"}},
      "optimizers": [{"type": "onnx_fp16", "parameters": {"compiled_model_path": ")" +
                      fp16.string() +
                      R"(", "location": "target"}}],
      "runtime": {"type": "onnx_exec"}})");
  const auto bad = run_kenning({"optimize", "test", "--cfg", cfg.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("location 'target' needs a protocol block"), std::string::npos) << bad.err;
}

// An output that cannot be written fails before the run, not after it; one
// behind a link to a pipe is written through.
TEST_F(CliGeneric, UnwritableMeasurementsFailBeforeTheRun) {
  const auto r = run_kenning({"test", "--cfg", "scenarios/onnx-model-random.json", "--measurements", "/proc/m.json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("--measurements /proc/m.json: folder '/proc' is not writable"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("inference time:"), std::string::npos) << "the run started: " << r.out;
}

TEST_F(CliGeneric, MeasurementsThroughDevStdoutAreNotReplaced) {
  const auto r = run_kenning({"test", "--cfg", "scenarios/onnx-model-random.json", "--measurements", "/dev/stdout"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"inferencetime_mean\""), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
}
