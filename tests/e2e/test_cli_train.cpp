// `kenning train test` end to end on a slice of the real Fashion-MNIST data:
// the model, its ONNX export, sidecar and training logs are written, and the
// measurements carry both the training curves and the test results.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_kenning.h"

namespace fs = std::filesystem;

TEST(CliTrain, TrainThenTestChain) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "needs dataset-fashion-mnist";
  }
  const auto dir = fs::temp_directory_path() / ("kenning-e2e-train-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto out = dir / "m.json";
  const auto r =
      run_kenning({"train", "test", "--cfg", "scenarios/fashion-mnist-cnn.json", "--model-path",
                   (dir / "cnn.onnx").string(), "--reduce-dataset", "0.1", "--num-epochs", "2", "--logdir",
                   (dir / "logs").string(), "--inference-batch-size", "100", "--measurements", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"cnn.onnx", "cnn.onnx.json", "cnn.pt", "logs/training_log.csv", "logs/training_log.jsonl"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  std::ifstream in(out);
  const auto m = nlohmann::json::parse(in);
  ASSERT_EQ(m["training_epoch"].size(), 2u);
  EXPECT_LT(m["training_train_loss"][1].get<double>(), m["training_train_loss"][0].get<double>());
  EXPECT_EQ(m["total"], 1000);  // reduce_dataset 0.1 of the 10 000 test images
  EXPECT_GT(m["accuracy"].get<double>(), 0.6);
  EXPECT_EQ(m["compiled_model_path"], (dir / "cnn.onnx").string());

  // Without a runtime block the wrapper runs the model natively in libtorch;
  // the ONNX export run by OpenCV must score the same samples the same way.
  const auto native_out = dir / "native.json";
  const auto native = run_kenning({"test", "--dataset-cls", "FashionMNISTDataset", "--reduce-dataset", "0.1",
                                   "--inference-batch-size", "100", "--modelwrapper-cls", "PyTorchFashionMNISTCNN",
                                   "--model-path", (dir / "cnn.onnx").string(), "--measurements", native_out.string()});
  ASSERT_EQ(native.exit_code, 0) << native.err;
  std::ifstream native_in(native_out);
  const auto n = nlohmann::json::parse(native_in);
  EXPECT_EQ(n["total"], 1000);
  EXPECT_NEAR(n["accuracy"].get<double>(), m["accuracy"].get<double>(), 0.002);
  EXPECT_FALSE(n.contains("runtime_framework"));
}
