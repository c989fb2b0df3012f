// `kenning onnx-conversion` end to end: the committed Fashion-MNIST CNN is
// exported to ONNX and TorchScript, loaded into every runtime that reads each
// format and compared with libtorch; the matrix lands as Markdown and RST.

#include <gtest/gtest.h>

#include "e2e_support.h"
#include "run_kenning.h"

namespace fs = std::filesystem;

TEST(CliOnnxConversion, CnnMatrixCoversEveryRuntimeAndAgrees) {
  const auto dir = e2e_temp_dir("conv", "cnn");
  const auto r = run_kenning({"onnx-conversion", "--models", "fashion_mnist_cnn=models/fashion-mnist-cnn.onnx",
                              "--output-dir", dir.string(), "--batch-size", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string md = read_text(dir / "onnx-conversion.md");
  EXPECT_EQ(md, r.out.substr(0, md.size()));
  // Every cell that exported and imported agrees with libtorch on the argmax.
  for (const char* runtime : {"ONNXExecRuntime", "OpenCVRuntime"}) {
    EXPECT_NE(md.find("| onnx | ✔ | " + std::string(runtime) + " | ✔ |"), std::string::npos) << md;
  }
  EXPECT_NE(md.find("| torchscript | ✔ | PyTorchRuntime | ✔ |"), std::string::npos) << md;
  EXPECT_EQ(md.find("| ✘ |"), std::string::npos) << md;
  std::size_t rows = 0;
  for (std::size_t at = md.find("100.0 %"); at != std::string::npos; at = md.find("100.0 %", at + 1)) ++rows;
  EXPECT_EQ(rows, 3u) << md;
  EXPECT_TRUE(fs::exists(dir / "fashion_mnist_cnn" / "fashion_mnist_cnn.onnx"));
  EXPECT_TRUE(fs::exists(dir / "fashion_mnist_cnn" / "fashion_mnist_cnn.ts"));
  EXPECT_NE(read_text(dir / "onnx-conversion.rst").find(".. list-table::"), std::string::npos);
}

TEST(CliOnnxConversion, UnknownModelIsRefusedBeforeAnyWork) {
  const auto dir = e2e_temp_dir("conv", "bad");
  const auto r = run_kenning({"onnx-conversion", "--models", "no_such_net", "--output-dir", dir.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown model wrapper 'no_such_net'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "onnx-conversion.md"));
}

TEST(CliOnnxConversion, OutputDirIsRequired) {
  const auto r = run_kenning({"onnx-conversion"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--output-dir"), std::string::npos) << r.err;
}
