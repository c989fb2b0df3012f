// Helpers of the NetGraph wrapper tests: seeded inputs, and one model run
// through libtorch, our ONNX executor, TorchScript or OpenCV, compared
// within kTolerance.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/script.h>

#include "kenning/config.h"
#include "kenning/core/io_spec.h"
#include "modelwrappers/mobilenet_v2.h"
#include "runtimes/onnx_exec_runtime.h"
#include "modelwrappers/resnet.h"
#if KENNING_WITH_OPENCV
#include "runtimes/opencv_runtime.h"
#endif

namespace kenning::testing {

namespace fs = std::filesystem;

// Outputs of two backends agree this closely (absolute, on logits).
inline constexpr double kTolerance = 1e-4;

inline Tensor random_input(std::int64_t n, std::int64_t size, unsigned seed) {
  Tensor t(DType::Float32, {n, 3, size, size});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(0.f, 1.f);
  for (float& v : t.data<float>()) v = dist(rng);
  return t;
}

inline std::vector<float> values(const Tensor& t) {
  const auto v = t.data<float>();
  return {v.begin(), v.end()};
}

inline std::vector<float> run_native(TorchNetWrapper& w, const Tensor& x) {
  const TensorView view = x.view();
  const auto out = w.run_inference(std::span(&view, 1));
  EXPECT_EQ(out.size(), 1u);
  return values(out.at(0));
}

inline std::vector<float> run_runtime(Runtime& r, const fs::path& model, const Tensor& x) {
  r.prepare_model(model, load_io_spec(model));
  const TensorView view = x.view();
  r.load_input(std::span(&view, 1));
  r.run();
  const auto out = r.extract_output();
  EXPECT_EQ(out.size(), 1u);
  return values(out.at(0));
}

inline std::vector<float> run_onnx_exec(const fs::path& model, const Tensor& x) {
  ONNXExecRuntime r(ONNXExecRuntime::Params{{}, 1});
  return run_runtime(r, model, x);
}

// Plain torch::jit::load, as a user of the .ts file would.
inline std::vector<float> run_jit(const fs::path& model, const Tensor& x) {
  torch::jit::Module m = torch::jit::load(model.string());
  m.eval();
  torch::NoGradGuard no_grad;
  auto* data = const_cast<std::byte*>(x.bytes().data());
  const torch::Tensor in = torch::from_blob(data, x.shape(), torch::kFloat32);
  const torch::Tensor out = m.forward({in}).toTensor().contiguous();
  return {out.data_ptr<float>(), out.data_ptr<float>() + out.numel()};
}

#if KENNING_WITH_OPENCV
inline std::vector<float> run_opencv(const fs::path& model, const Tensor& x) {
  OpenCVRuntime r(OpenCVRuntime::Params{{}, 1, OpenCVRuntime::Backend::OpenCV, OpenCVRuntime::Target::Cpu});
  return run_runtime(r, model, x);
}
#endif

// Largest absolute difference; fails above kTolerance, and when the logits
// are so small that agreement would prove nothing.
inline double expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  EXPECT_EQ(got.size(), want.size()) << what;
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    diff = std::max(diff, std::fabs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::fabs(static_cast<double>(want[i])));
  }
  EXPECT_LE(diff, kTolerance) << what;
  EXPECT_GT(scale, 1e-2) << what << ": logits near zero";
  std::cout << what << ": max |diff| " << diff << " (max |logit| " << scale << ")\n";
  return diff;
}

}  // namespace kenning::testing
