// The `kenning` command end to end: list/info, the default scenario on the
// real Fashion-MNIST test set, flags overriding the file, and bad input.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kScenario = "scenarios/fashion-mnist-cnn.json";
const char* kFashionRoot = "/usr/share/datasets/fashion-mnist";

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

bool have_data_and_model() {
  return fs::exists(fs::path(kFashionRoot) / "t10k-images-idx3-ubyte.gz") &&
         fs::exists(fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx");
}

// One error line on stderr naming `needle`, a non-zero code, and no output file.
void expect_clean_failure(const CommandResult& r, int code, const std::string& needle, const fs::path& output) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_NE(r.err.find("kenning: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(output)) << "a failed run left " << output;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

}  // namespace

TEST(Cli, ListShowsEveryFamilyAndAvailability) {
  const auto r = run_kenning({"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"datasets:", "modelwrappers:", "optimizers:", "runtimes:", "protocols:", "FashionMNISTDataset",
                        "RandomizedClassificationDataset", "PyTorchFashionMNISTCNN", "OpenCVRuntime", "available"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  const auto one = run_kenning({"list", "runtimes"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out.find("FashionMNISTDataset"), std::string::npos);
  const auto bad = run_kenning({"list", "gizmos"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown family 'gizmos'"), std::string::npos);
}

TEST(Cli, InfoRendersTheDeclaration) {
  const auto r = run_kenning({"info", "OpenCVRuntime"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("num_threads / --num-threads"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("int: integer in [-1, 256]; default: -1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kenning.runtimes.opencv.OpenCVRuntime"), std::string::npos) << r.out;
  const auto dotted = run_kenning({"info", "kenning.datasets.fashion_mnist.FashionMNISTDataset"});
  EXPECT_EQ(dotted.exit_code, 0) << dotted.err;
  EXPECT_NE(dotted.out.find("dataset_root / --dataset-root"), std::string::npos);
  const auto bad = run_kenning({"info", "NoSuchClass"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown class 'NoSuchClass'"), std::string::npos);
}

TEST(Cli, ListAndInfoShowTheFlowRunners) {
  const auto r = run_kenning({"list", "runners"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("runners:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ModelRuntimeRunner"), std::string::npos) << r.out;
  EXPECT_NE(run_kenning({"list"}).out.find("ModelRuntimeRunner"), std::string::npos);

  for (const char* name : {"ModelRuntimeRunner", "kenning.runners.modelruntime.ModelRuntimeRunner"}) {
    const auto info = run_kenning({"info", name});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    for (const char* s : {"ModelRuntimeRunner (runner)", "model_wrapper / --model-wrapper", "runtime / --runtime",
                          "block: scenario block object", "required", "default: null"}) {
      EXPECT_NE(info.out.find(s), std::string::npos) << s << "\n" << info.out;
    }
  }
}

TEST(Cli, HelpListsTheFlagsOfTheScenarioClasses) {
  const auto r = run_kenning({"test", "--cfg", kScenario, "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"--dataset-root", "--inference-batch-size", "--model-path", "--runtime-num-threads", "--target",
                        "runtime: OpenCVRuntime"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
}

TEST(Cli, DefaultScenarioOnTheRealTestSet) {
  if (!have_data_and_model()) GTEST_SKIP() << "needs dataset-fashion-mnist and models/fashion-mnist-cnn.onnx";
  const auto dir = e2e_temp_dir("cli", "default");
  const auto out = dir / "measurements.json";
  const auto r = run_kenning({"test", "--cfg", kScenario, "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("accuracy:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inference time:"), std::string::npos) << r.out;
  const json m = read_json(out);
  EXPECT_EQ(m["total"], 10000);
  EXPECT_GE(m["accuracy"].get<double>(), 0.90);
  EXPECT_EQ(m["target_inference_step"].size(), 10000u);
  EXPECT_EQ(m["target_inference_step_timestamp"].size(), 10000u);
  EXPECT_EQ(m["eval_confusion_matrix"].size(), 10u);
  EXPECT_EQ(m["class_names"][9], "Ankle boot");
  EXPECT_GT(m["compiled_model_size"].get<std::int64_t>(), 1000);
  EXPECT_EQ(m["build_cfg"]["runtime"]["type"], "OpenCVRuntime");
  EXPECT_EQ(m["build_cfg"]["runtime"]["parameters"]["num_threads"], 2);
  EXPECT_EQ(m["build_cfg"]["dataset"]["parameters"]["split_seed"], 1234);  // defaults filled in
  for (const char* key :
       {"command", "host", "model_framework", "runtime_version", "top_5_count", "top_5_accuracy", "mean_precision",
        "mean_sensitivity", "g_mean", "inferencetime_mean", "inferencetime_median", "inferencetime_std",
        "inferencetime_min", "inferencetime_max", "session_utilization_cpus_percent", "session_utilization_mem_percent",
        "session_utilization_timestamp"}) {
    EXPECT_TRUE(m.contains(key)) << key;
  }
  EXPECT_GE(m["top_5_accuracy"].get<double>(), m["accuracy"].get<double>());
  EXPECT_GT(m["inferencetime_mean"].get<double>(), 0);
  EXPECT_FALSE(m["session_utilization_timestamp"].empty());
  EXPECT_TRUE(m["host"].contains("cpu_model"));
}

TEST(Cli, ClassNamesAndFlagsInsteadOfAFile) {
  if (!have_data_and_model()) GTEST_SKIP() << "needs dataset-fashion-mnist and the committed model";
  const auto dir = e2e_temp_dir("cli", "flags");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--dataset-cls", "FashionMNISTDataset", "--modelwrapper-cls",
                              "kenning.modelwrappers.fashion_mnist_cnn.PyTorchFashionMNISTCNN", "--model-path",
                              "models/fashion-mnist-cnn.onnx", "--runtime-cls", "OpenCVRuntime",
                              "--inference-batch-size", "250", "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["total"], 10000);
  EXPECT_EQ(m["target_inference_step"].size(), 40u);  // 10000 / 250 batches
  EXPECT_GE(m["accuracy"].get<double>(), 0.90);
}

TEST(Cli, FlagOverridesTheScenarioFile) {
  if (!have_data_and_model()) GTEST_SKIP() << "needs dataset-fashion-mnist and the committed model";
  const auto dir = e2e_temp_dir("cli", "override");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", "scenarios/fashion-mnist-cnn.yml", "--inference-batch-size", "1000",
                              "--runtime-num-threads", "1", "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(out);
  EXPECT_EQ(m["target_inference_step"].size(), 10u);
  EXPECT_EQ(m["build_cfg"]["dataset"]["parameters"]["inference_batch_size"], 1000);
  EXPECT_EQ(m["build_cfg"]["runtime"]["parameters"]["num_threads"], 1);
}

TEST(CliErrors, UnknownClass) {
  const auto dir = e2e_temp_dir("cli", "err-class");
  const auto cfg = dir / "s.json";
  write_text(cfg, R"({"dataset": {"type": "FashionMNISTDataset"}, "model_wrapper": {"type": "PyTorchFashionMNISTCNN",
      "parameters": {"model_path": "models/fashion-mnist-cnn.onnx"}}, "runtime": {"type": "TFLiteRuntime"}})");
  const auto out = dir / "m.json";
  const auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2,
                       "unknown runtime class 'TFLiteRuntime' (nearest runtime class here: OpenCVRuntime); "
                       "known: OpenCVRuntime",
                       out);
}

TEST(CliErrors, UnknownKeyAndWrongType) {
  const auto dir = e2e_temp_dir("cli", "err-key");
  const auto out = dir / "m.json";
  const auto cfg = dir / "s.json";
  write_text(cfg, R"({"dataset": {"type": "FashionMNISTDataset", "parameters": {"dataset_rot": "/x"}},
      "model_wrapper": {"type": "PyTorchFashionMNISTCNN", "parameters": {"model_path": "m.onnx"}}})");
  auto r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2, "s.json: dataset.parameters: unknown parameter 'dataset_rot'", out);
  EXPECT_NE(r.err.find("did you mean 'dataset_root'"), std::string::npos) << r.err;

  write_text(cfg, R"({"dataset": {"type": "FashionMNISTDataset", "parameters": {"inference_batch_size": "big"}},
      "model_wrapper": {"type": "PyTorchFashionMNISTCNN", "parameters": {"model_path": "m.onnx"}}})");
  r = run_kenning({"test", "--cfg", cfg.string(), "--measurements", out.string()});
  expect_clean_failure(r, 2, "dataset.parameters.inference_batch_size: expected integer >= 1, got \"big\"", out);

  r = run_kenning({"test", "--cfg", kScenario, "--runtime-num-threads", "many", "--measurements", out.string()});
  expect_clean_failure(r, 2, "--runtime-num-threads: expected an integer, got 'many'", out);

  // A key two classes share must be given with its block's prefix.
  r = run_kenning({"test", "--cfg", kScenario, "--num-threads", "2", "--measurements", out.string()});
  expect_clean_failure(r, 2, "--num-threads is ambiguous here; use one of: --model-wrapper-num-threads", out);
  EXPECT_NE(r.err.find("--runtime-num-threads (runtime: OpenCVRuntime)"), std::string::npos) << r.err;

  r = run_kenning({"test", "--cfg", kScenario, "--target", "tpu", "--measurements", out.string()});
  expect_clean_failure(r, 2, "--target: expected one of: cpu", out);

  r = run_kenning({"test", "--cfg", kScenario, "--no-such-flag", "1", "--measurements", out.string()});
  expect_clean_failure(r, 2, "--no-such-flag", out);
}

TEST(CliErrors, ModelThatIsNotOnnx) {
  if (!fs::exists(fs::path(kFashionRoot) / "t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "needs dataset-fashion-mnist";
  const auto dir = e2e_temp_dir("cli", "err-model");
  const auto model = dir / "model.onnx";
  write_text(model, "this is not a protobuf\n");
  const auto out = dir / "m.json";
  const auto r =
      run_kenning({"test", "--cfg", kScenario, "--model-path", model.string(), "--measurements", out.string()});
  expect_clean_failure(r, 4, model.string(), out);
}

TEST(CliErrors, TruncatedDatasetFile) {
  if (!fs::exists(fs::path(kFashionRoot) / "t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "needs dataset-fashion-mnist";
  const auto dir = e2e_temp_dir("cli", "err-idx");
  for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
    fs::copy_file(fs::path(kFashionRoot) / f, dir / f);
  }
  // The test images, cut to half their length.
  const std::string full = read_text(fs::path(kFashionRoot) / "t10k-images-idx3-ubyte.gz");
  write_text(dir / "t10k-images-idx3-ubyte.gz", full.substr(0, full.size() / 2));
  const auto out = dir / "m.json";
  const auto r =
      run_kenning({"test", "--cfg", kScenario, "--dataset-root", dir.string(), "--measurements", out.string()});
  expect_clean_failure(r, 3, "t10k-images-idx3-ubyte.gz", out);
}

TEST(CliErrors, OutputFolderMissingFailsBeforeWork) {
  const auto dir = e2e_temp_dir("cli", "err-out");
  const auto out = dir / "no" / "such" / "m.json";
  const auto r = run_kenning({"test", "--cfg", kScenario, "--measurements", out.string()});
  expect_clean_failure(r, 3, "does not exist", out);
}

TEST(CliErrors, BadCommandsAndScenarioFiles) {
  auto r = run_kenning({"tset"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'tset'"), std::string::npos);
  r = run_kenning({"test", "train"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_kenning({"test", "--cfg", "/nonexistent.json"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/nonexistent.json: cannot open scenario file"), std::string::npos) << r.err;
  r = run_kenning({"test"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing 'dataset' block"), std::string::npos) << r.err;
}

// Each command's help names the command in its usage line.
TEST(Cli, HelpNamesTheCommand) {
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{{"train"},
                                                                                       {"optimize"},
                                                                                       {"test"},
                                                                                       {"optimize", "test"},
                                                                                       {"infer"},
                                                                                       {"onnx-conversion"},
                                                                                       {"flow"},
                                                                                       {"report"},
                                                                                       {"server"},
                                                                                       {"list"},
                                                                                       {"info"}}) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    std::string name = "kenning";
    for (const auto& word : command) name += " " + word;
    const auto r = run_kenning(args);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: " + name + " [OPTIONS]"), std::string::npos) << name << ":\n" << r.out;
  }
}

// Training never replaces an existing model (the committed one, with the
// default scenario) unless told to.
TEST(Cli, TrainRefusesToOverwriteAModelWithoutForce) {
  const auto before = fs::last_write_time("models/fashion-mnist-cnn.onnx");
  const auto r = run_kenning({"train", "--cfg", "scenarios/fashion-mnist-cnn.json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("kenning train: models/fashion-mnist-cnn.onnx exists and training would overwrite it; "
                       "pass --force"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(fs::last_write_time("models/fashion-mnist-cnn.onnx"), before);
}
