// `kenning infer` end to end: .npy in, .npy out, with the sidecar's I/O spec
// or one read from the ONNX file, and clear errors for inputs that don't fit.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kenning/core/npy.h"
#include "run_kenning.h"

namespace fs = std::filesystem;
using kenning::DType;
using kenning::Tensor;

namespace {

const char* const kModel = "models/fashion-mnist-cnn.onnx";

class CliInfer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kenning-e2e-infer-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Tensor images(DType::Float32, {3, 1, 28, 28});
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> pixel(0.f, 1.f);
    for (float& v : images.data<float>()) v = pixel(rng);
    kenning::save_npy(images.view(), dir_ / "images.npy");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(CliInfer, WritesOneNpyPerOutputAndRuntimesAgree) {
  const auto r = run_kenning({"infer", "--model", kModel, "--runtime", "OpenCVRuntime", "--input",
                              (dir_ / "images.npy").string(), "--output-dir", (dir_ / "cv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("output.npy: float32 [3, 10]"), std::string::npos) << r.out;
  const Tensor logits = kenning::load_npy(dir_ / "cv" / "output.npy");
  ASSERT_EQ(logits.shape(), (kenning::Shape{3, 10}));
  for (float v : logits.data<float>()) EXPECT_TRUE(std::isfinite(v));

  // Without the sidecar the I/O spec comes from the ONNX graph; same answer.
  fs::copy_file(kModel, dir_ / "bare.onnx");
  const auto bare = run_kenning({"infer", "--model", (dir_ / "bare.onnx").string(), "--input",
                                 (dir_ / "images.npy").string(), "--output-dir", (dir_ / "bare").string()});
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  const Tensor again = kenning::load_npy(dir_ / "bare" / "output.npy");
  ASSERT_EQ(again.shape(), logits.shape());
  for (std::size_t i = 0; i < 30; ++i) EXPECT_NEAR(again.data<float>()[i], logits.data<float>()[i], 1e-4);
}

TEST_F(CliInfer, InputsThatDoNotFitAreRefusedNamingTheFile) {
  Tensor wrong_rank(DType::Float32, {1, 28, 28});
  kenning::save_npy(wrong_rank.view(), dir_ / "rank.npy");
  Tensor wrong_type(DType::Int32, {1, 1, 28, 28});
  kenning::save_npy(wrong_type.view(), dir_ / "int.npy");
  std::ofstream(dir_ / "text.npy") << "not numpy";

  struct Case {
    std::vector<std::string> inputs;
    std::string message;
    int code;
  };
  const std::string images = (dir_ / "images.npy").string();
  const Case cases[] = {
      {{(dir_ / "rank.npy").string()}, "expects float32 [-1, 1, 28, 28], the file holds float32 [1, 28, 28]", 2},
      {{(dir_ / "int.npy").string()}, "the file holds int32 [1, 1, 28, 28]", 2},
      {{(dir_ / "text.npy").string()}, "text.npy: not a readable .npy file", 3},
      {{images, images}, "the model takes 1 input(s), got 2 file(s)", 2},
      {{(dir_ / "missing.npy").string()}, "missing.npy: cannot read .npy file", 3},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"infer", "--model", kModel, "--output-dir", (dir_ / "out").string()};
    for (const auto& in : c.inputs) {
      args.push_back("--input");
      args.push_back(in);
    }
    const auto r = run_kenning(args);
    EXPECT_EQ(r.exit_code, c.code) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "out")) << "nothing is written when the inputs are refused";
  }

  const auto not_a_model =
      run_kenning({"infer", "--model", "README.md", "--input", images, "--output-dir", (dir_ / "out").string()});
  EXPECT_EQ(not_a_model.exit_code, 2);
  EXPECT_NE(not_a_model.err.find("unknown model format '.md'"), std::string::npos) << not_a_model.err;
}

}  // namespace
