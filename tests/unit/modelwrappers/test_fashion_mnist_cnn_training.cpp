// One epoch of PyTorchFashionMNISTCNN on a reduced Fashion-MNIST (labelled
// "slow": a few seconds on 2 cores). Checks that training learns, writes the
// weights, the ONNX and TorchScript exports, their sidecars and the log files, and is
// reproducible from its seed. Skips when the Debian dataset is not installed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "modelwrappers/fashion_mnist_cnn.h"
#include "datasets/fashion_mnist_dataset.h"
#include "kenning/core/io_spec.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFashionRoot = "/usr/share/datasets/fashion-mnist";

class FashionMNISTCNNTraining : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kFashionRoot / "train-images-idx3-ubyte.gz")) {
      GTEST_SKIP() << kFashionRoot << " not installed (Debian package dataset-fashion-mnist)";
    }
    dir_ = fs::temp_directory_path() / ("kenning-cnn-train-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // 8 % of every split: ~4300 train, ~480 validation, 800 test samples.
    dataset_ = std::make_unique<FashionMNISTDataset>(FashionMNISTDataset::schema().parse(
        {{"dataset_root", kFashionRoot.string()}, {"reduce_dataset", 0.08}}, "test: dataset"));
    dataset_->prepare();
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  PyTorchFashionMNISTCNN make(const fs::path& model, const fs::path& logdir) const {
    return PyTorchFashionMNISTCNN(PyTorchFashionMNISTCNN::schema().parse(
        {{"model_path", model.string()},
         {"num_epochs", 1},
         {"num_threads", 1},  // robust on a shared machine; 2 OpenMP threads crawl when a core is busy
         {"logdir", logdir.string()}},
        "test: model_wrapper"));
  }

  // Accuracy of the wrapper's native inference on the Test split.
  double test_accuracy(PyTorchFashionMNISTCNN& w) const {
    const std::size_t n = dataset_->size(Split::Test);
    std::size_t correct = 0;
    for (std::size_t begin = 0; begin < n; begin += 200) {
      const Batch b = dataset_->batch(Split::Test, begin, 200);
      std::vector<Tensor> in = w.preprocess(b);
      const TensorView view = in[0].view();
      const std::vector<Tensor> probs = w.postprocess(w.run_inference(std::span(&view, 1)));
      const auto p = probs[0].data<float>();
      const auto labels = b.targets[0].data<std::int64_t>();
      for (std::size_t i = 0; i < b.size; ++i) {
        const auto row = p.subspan(i * 10, 10);
        const auto best = std::max_element(row.begin(), row.end()) - row.begin();
        if (best == labels[i]) ++correct;
      }
    }
    return static_cast<double>(correct) / static_cast<double>(n);
  }

  fs::path dir_;
  std::unique_ptr<FashionMNISTDataset> dataset_;
};

TEST_F(FashionMNISTCNNTraining, OneEpochLearnsAndWritesAllFiles) {
  ASSERT_GT(dataset_->size(Split::Train), 1000u);
  // Naming the .pt: the .onnx and its sidecar still appear next to it.
  PyTorchFashionMNISTCNN w = make(dir_ / "models" / "cnn.pt", dir_ / "logs");
  const std::vector<EpochStats> history = w.train(*dataset_);

  ASSERT_EQ(history.size(), 1u);
  const EpochStats& s = history[0];
  EXPECT_EQ(s.epoch, 1);
  // An untrained 10-class model has loss ln(10) ~ 2.30; the mean over the
  // epoch can only fall well below it if the loss decreased.
  EXPECT_LT(s.train_loss, 1.5);
  EXPECT_LT(s.val_loss, 1.2);
  EXPECT_GT(s.val_accuracy, 0.6);
  EXPECT_GT(s.seconds, 0);

  EXPECT_TRUE(fs::exists(dir_ / "models" / "cnn.pt"));
  EXPECT_TRUE(fs::exists(dir_ / "models" / "cnn.onnx"));
  EXPECT_TRUE(fs::exists(dir_ / "models" / "cnn.onnx.json"));
  EXPECT_TRUE(fs::exists(dir_ / "models" / "cnn.ts"));
  EXPECT_TRUE(fs::exists(dir_ / "models" / "cnn.ts.json"));
  EXPECT_EQ(load_io_spec(dir_ / "models" / "cnn.onnx").to_json(),
            PyTorchFashionMNISTCNN::definition_io_spec().to_json());

  std::ifstream jsonl(dir_ / "logs" / "training_log.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(jsonl, line));
  const json logged = json::parse(line);
  EXPECT_EQ(logged["epoch"], 1);
  EXPECT_DOUBLE_EQ(logged["val_accuracy"].get<double>(), s.val_accuracy);
  EXPECT_FALSE(std::getline(jsonl, line)) << "one line per epoch";
  std::ifstream csv(dir_ / "logs" / "training_log.csv");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 2);  // header + 1 epoch

  // The saved weights are the trained ones.
  EXPECT_GT(test_accuracy(w), 0.6);
}

TEST_F(FashionMNISTCNNTraining, SameSeedReproducesTheEpoch) {
  PyTorchFashionMNISTCNN a = make(dir_ / "a.onnx", "");
  PyTorchFashionMNISTCNN b = make(dir_ / "b.onnx", "");
  const EpochStats sa = a.train(*dataset_).at(0);
  const EpochStats sb = b.train(*dataset_).at(0);
  EXPECT_NEAR(sa.train_loss, sb.train_loss, 1e-6);
  EXPECT_NEAR(sa.val_loss, sb.val_loss, 1e-6);
  EXPECT_DOUBLE_EQ(sa.val_accuracy, sb.val_accuracy);
  EXPECT_FALSE(fs::exists(dir_ / "training_log.jsonl"));
}

}  // namespace
}  // namespace kenning
