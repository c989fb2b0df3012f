// PyTorchMagnitudePruner on the project's trained CNN and the real
// Fashion-MNIST data (a tenth of it, to keep the fine-tuning short): the
// sparsity reached, the accuracy kept, the compressed size, and its errors.
#include <filesystem>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "scenarios/dataset_calibration.h"
#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/registries.h"
#include "optimizers/pytorch_pruning.h"
#include "onnx_exec/tensor_proto.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

const fs::path kWeights = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.pt";
const fs::path kCnn = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx";

struct SmallFashionMnist {
  std::unique_ptr<Dataset> dataset;
  std::unique_ptr<ModelWrapper> wrapper;
  SmallFashionMnist() {
    dataset = registries().datasets.create(
        "FashionMNISTDataset", {{"dataset_root", "/usr/share/datasets/fashion-mnist"}, {"reduce_dataset", 0.1}},
        "test");
    dataset->prepare();
    wrapper = registries().model_wrappers.create("PyTorchFashionMNISTCNN", {{"model_path", kWeights.string()}}, "test");
  }
};

double accuracy(const fs::path& model, const Dataset& d) {
  const Batch b = d.batch(Split::Test, 0, d.size(Split::Test));
  const at::Tensor x = onnx_exec::aten_copy(b.inputs[0].view());
  const at::Tensor y = onnx_exec::aten_copy(b.targets[0].view());
  const at::Tensor logits = onnx_exec::Executor::load(model).run({x}).at(0);
  return logits.argmax(1).eq(y).to(at::kDouble).mean().item<double>();
}

TEST(PyTorchMagnitudePruner, PrunesFineTunesAndKeepsAccuracy) {
  TempDir dir;
  const SmallFashionMnist data;
  const DatasetCalibration source(*data.dataset, *data.wrapper);
  PyTorchMagnitudePruner::Params p;
  p.compiled_model_path = dir.path() / "pruned.onnx";
  p.sparsity = 0.7;
  p.epochs = 1;
  p.num_threads = 2;
  PyTorchMagnitudePruner pruner(p);
  pruner.compile(kWeights, IOSpec{}, &source);
  ASSERT_TRUE(fs::exists(p.compiled_model_path));
  ASSERT_TRUE(fs::exists(io_spec_path(p.compiled_model_path)));
  ASSERT_TRUE(fs::exists(pruner.pruned_weights_path()));
  const auto r = pruner.compile_report();
  EXPECT_NEAR(r["sparsity"].get<double>(), 0.7, 0.01);
  EXPECT_LT(r["sparsity_before"].get<double>(), 0.01);
  // Zeros compress: the pruned model is much smaller once compressed.
  EXPECT_LT(r["compressed_size_after"].get<double>(), 0.6 * r["compressed_size_before"].get<double>());
  const double before = accuracy(kCnn, *data.dataset);
  const double after = accuracy(p.compiled_model_path, *data.dataset);
  std::cout << "accuracy on " << data.dataset->size(Split::Test) << " test images: dense " << before
            << ", 70% pruned + 1 epoch " << after << "\n";
  EXPECT_GE(after, before - 0.03);
}

TEST(PyTorchMagnitudePruner, ErrorsNameWhatIsWrong) {
  TempDir dir;
  PyTorchMagnitudePruner::Params p;
  p.compiled_model_path = dir.path() / "pruned.onnx";
  PyTorchMagnitudePruner pruner(p);
  EXPECT_HAS(error_of<ConfigError>([&] { pruner.compile(kWeights, IOSpec{}, nullptr); }), "dataset");
  const SmallFashionMnist data;
  const DatasetCalibration source(*data.dataset, *data.wrapper);
  // ONNX is not the CNN's libtorch weights.
  EXPECT_HAS(error_of<IoError>([&] { pruner.compile(kCnn, IOSpec{}, &source); }), "fashion-mnist-cnn.onnx");
  p.compiled_model_path = dir.path() / "pruned.ts";
  PyTorchMagnitudePruner wrong_ext(p);
  EXPECT_HAS(error_of<ConfigError>([&] { wrong_ext.compile(kWeights, IOSpec{}, &source); }), "must end in .onnx");
  EXPECT_HAS(error_of<ConfigError>([&] {
               registries().optimizers.create("PyTorchMagnitudePruner",
                                              {{"compiled_model_path", "x.onnx"}, {"sparsity", 1.5}}, "scenario");
             }),
             "sparsity");
  EXPECT_FALSE(fs::exists(dir.path() / "pruned.onnx"));
}

}  // namespace
