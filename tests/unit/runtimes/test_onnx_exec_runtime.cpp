// ONNXExecRuntime on the project's Fashion-MNIST CNN: same outputs as
// OpenCVRuntime (when built) and through the runtime registry.
#include <filesystem>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/registries.h"
#include "runtimes/onnx_exec_runtime.h"
#if KENNING_WITH_OPENCV
#include "runtimes/opencv_runtime.h"
#endif

namespace fs = std::filesystem;
using namespace kenning;

namespace {

const fs::path kModel = fs::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx";

Tensor random_batch(std::int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(0.f, 1.f);
  Tensor t(DType::Float32, {n, 1, 28, 28});
  for (float& v : t.data<float>()) v = dist(rng);
  return t;
}

std::vector<Tensor> infer(Runtime& r, const Tensor& input) {
  const TensorView view = input.view();
  r.load_input(std::span<const TensorView>(&view, 1));
  r.run();
  return r.extract_output();
}

}  // namespace

TEST(ONNXExecRuntime, RunsTheProjectModel) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " is missing";
  ONNXExecRuntime runtime(ONNXExecRuntime::Params{kModel, 1});
  runtime.prepare_model({}, load_io_spec(kModel));
  const auto out = infer(runtime, random_batch(3, 1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{3, 10}));
  EXPECT_EQ(runtime.framework(), "onnx_exec");
}

TEST(ONNXExecRuntime, RejectsInputsOutsideTheSpec) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " is missing";
  ONNXExecRuntime runtime(ONNXExecRuntime::Params{kModel, -1});
  EXPECT_THROW(runtime.run(), BackendError);
  runtime.prepare_model({}, load_io_spec(kModel));
  Tensor wrong(DType::Float32, {1, 1, 27, 28});
  const TensorView view = wrong.view();
  EXPECT_THROW(runtime.load_input(std::span<const TensorView>(&view, 1)), ConfigError);
}

TEST(ONNXExecRuntime, MissingModelIsIoError) {
  ONNXExecRuntime runtime(ONNXExecRuntime::Params{"no/such/model.onnx", -1});
  EXPECT_THROW(runtime.prepare_model({}, IOSpec{}), IoError);
}

TEST(ONNXExecRuntime, IsRegistered) {
  Registry<Runtime> registry("runtime", "runtimes");
  register_runtimes(registry);
  const auto& info = registry.find("ONNXExecRuntime");
  EXPECT_TRUE(info.available);
  EXPECT_EQ(info.dotted_name, "kenning.runtimes.onnx_exec.ONNXExecRuntime");
}

#if KENNING_WITH_OPENCV
TEST(ONNXExecRuntime, MatchesOpenCVOnTheProjectModel) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " is missing";
  const IOSpec spec = load_io_spec(kModel);
  ONNXExecRuntime ours(ONNXExecRuntime::Params{kModel, -1});
  ours.prepare_model({}, spec);
  OpenCVRuntime::Params cv_params;
  cv_params.save_model_path = kModel;
  OpenCVRuntime reference(cv_params);
  reference.prepare_model({}, spec);
  for (unsigned seed : {1u, 2u, 3u}) {
    const Tensor input = random_batch(seed, seed);  // batches of 1, 2 and 3
    const auto got = infer(ours, input);
    const auto want = infer(reference, input);
    ASSERT_EQ(got.size(), want.size());
    ASSERT_EQ(got[0].shape(), want[0].shape());
    const auto g = got[0].data<float>();
    const auto w = want[0].data<float>();
    for (std::size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], w[i], 1e-4) << "seed " << seed << " #" << i;
  }
}
#endif
