// Every runtime in the registry agrees with ONNXExecRuntime on the committed
// Fashion-MNIST CNN and real test images. The test walks the registry, so a
// runtime added later is compared without further code; it fails for a runtime
// that takes none of the formats the committed model is exported to.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/registries.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;

const fs::path kModels = fs::path(KENNING_TEST_SOURCE_DIR) / "models";
const fs::path kFashionRoot = "/usr/share/datasets/fashion-mnist";
const char* kReference = "ONNXExecRuntime";
// Largest |logit difference| allowed against the reference: float32 kernels
// that sum in another order differ a little (OpenCV and TorchScript: 5.7e-6).
constexpr double kTolerance = 1e-4;
constexpr std::size_t kImages = 16;

// The committed exports of the same weights, by the format a runtime takes
// (Runtime::input_formats()); each has its I/O spec beside it (<file>.json).
const std::map<std::string, fs::path>& committed_models() {
  static const std::map<std::string, fs::path> models = {
      {"onnx", kModels / "fashion-mnist-cnn.onnx"},
      {"torchscript", kModels / "fashion-mnist-cnn.ts"},
  };
  return models;
}

// The committed model in the first of `formats` that has one; empty if none.
fs::path model_for(const std::vector<std::string>& formats) {
  for (const std::string& format : formats) {
    const auto it = committed_models().find(format);
    if (it != committed_models().end()) return it->second;
  }
  return {};
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The runtime `name` from its default parameters, loaded with the committed
// model in a format it takes, then run on `input`; nothing after a failure.
std::optional<Tensor> run_committed_model(const std::string& name, const Tensor& input) {
  const std::unique_ptr<Runtime> runtime = registries().runtimes.create(name, json::object(), "test: runtime " + name);
  const fs::path model = model_for(runtime->input_formats());
  if (model.empty()) {
    ADD_FAILURE() << name << " takes " << joined(runtime->input_formats())
                  << ", for which no committed Fashion-MNIST CNN export exists; add one to committed_models()";
    return std::nullopt;
  }
  runtime->prepare_model(model, load_io_spec(model));
  const TensorView view = input.view();
  runtime->load_input(std::span(&view, 1));
  runtime->run();
  std::vector<Tensor> out = runtime->extract_output();
  if (out.size() != 1) {
    ADD_FAILURE() << name << " returned " << out.size() << " outputs, expected 1";
    return std::nullopt;
  }
  return std::move(out[0]);
}

std::vector<std::size_t> argmax_rows(std::span<const float> logits, std::size_t row_size) {
  std::vector<std::size_t> out;
  for (std::size_t r = 0; r + row_size <= logits.size(); r += row_size) {
    const auto row = logits.subspan(r, row_size);
    out.push_back(static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin()));
  }
  return out;
}

double max_abs_diff(std::span<const float> a, std::span<const float> b) {
  double d = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    d = std::max(d, static_cast<double>(std::fabs(a[i] - b[i])));
  }
  return d;
}

// The first kImages images of the Fashion-MNIST test split, as the dataset
// class hands them to a runtime: float32 [n, 1, 28, 28].
Tensor fashion_test_images() {
  const std::unique_ptr<Dataset> dataset =
      registries().datasets.create("FashionMNISTDataset", {{"dataset_root", kFashionRoot.string()}}, "test: dataset");
  dataset->prepare();
  Batch batch = dataset->batch(Split::Test, 0, kImages);
  EXPECT_EQ(batch.inputs.size(), 1u);
  return std::move(batch.inputs.at(0));
}

TEST(RuntimeAgreement, EveryAvailableRuntimeMatchesONNXExecRuntime) {
  const RegistryBase& runtimes = registries().runtimes;
  if (!runtimes.find(kReference).available) {
    GTEST_SKIP() << kReference << " (the reference) is unavailable: " << runtimes.find(kReference).unavailable_reason;
  }
  if (!fs::exists(kFashionRoot / "t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << kFashionRoot << " not installed (Debian package dataset-fashion-mnist)";
  }
  const Tensor input = fashion_test_images();
  ASSERT_EQ(input.shape(), (Shape{static_cast<std::int64_t>(kImages), 1, 28, 28}));

  const std::optional<Tensor> result = run_committed_model(kReference, input);
  ASSERT_TRUE(result);
  const Tensor& reference = *result;
  ASSERT_EQ(reference.shape().size(), 2u);
  ASSERT_EQ(reference.shape()[0], static_cast<std::int64_t>(kImages));
  const auto row_size = static_cast<std::size_t>(reference.shape()[1]);
  const auto expected = reference.data<float>();
  const std::vector<std::size_t> expected_classes = argmax_rows(expected, row_size);
  // Not a vacuous match: the images fall into more than one class.
  EXPECT_GT(std::set<std::size_t>(expected_classes.begin(), expected_classes.end()).size(), 1u);

  int compared = 0;
  for (const ClassInfo& info : runtimes.classes()) {
    if (info.name == kReference) continue;
    if (!info.available) {
      std::printf("[ skipped  ] %s is unavailable in this build: %s\n", info.name.c_str(),
                  info.unavailable_reason.c_str());
      continue;
    }
    SCOPED_TRACE(info.name);
    const std::optional<Tensor> run = run_committed_model(info.name, input);
    if (!run) continue;
    const Tensor& out = *run;
    ASSERT_EQ(out.shape(), reference.shape());
    ASSERT_EQ(out.dtype(), reference.dtype());
    const double diff = max_abs_diff(out.data<float>(), expected);
    std::printf("[ diffs    ] %s vs %s: max |diff| %.3g over %zu images\n", info.name.c_str(), kReference, diff,
                kImages);
    EXPECT_LE(diff, kTolerance) << info.name << " differs from " << kReference;
    EXPECT_EQ(argmax_rows(out.data<float>(), row_size), expected_classes)
        << info.name << " predicts other classes than " << kReference;
    ++compared;
  }
  std::printf("[ compared ] %d runtime(s) with %s\n", compared, kReference);
}

}  // namespace
}  // namespace kenning
