// `kenning onnx-conversion`'s checks and its Markdown/RST matrix.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kenning/config.h"
#include "kenning/core/error.h"
#include "scenarios/onnx_conversion.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace kenning;
using kenning::testing::error_of;
using kenning::testing::TempDir;

namespace {

const fs::path kCnn = fs::path(KENNING_TEST_SOURCE_DIR) / "models" / "fashion-mnist-cnn.onnx";

std::vector<ConversionResult> sample_results() {
  ConversionResult ok;
  ok.model = "net";
  ok.framework = "libtorch 1.13.0";
  ok.format = "onnx";
  ok.exported = ok.imported = true;
  ok.runtime = "ONNXExecRuntime";
  ok.max_abs_diff = 1.5e-6;
  ok.top1_agreement = 1.0;
  ConversionResult refused = ok;
  refused.runtime = "OpenCVRuntime";
  refused.imported = false;
  refused.max_abs_diff.reset();
  refused.top1_agreement.reset();
  refused.note = "import failed: Clip | min as input";
  ConversionResult no_export = ok;
  no_export.format = "torchscript";
  no_export.exported = false;
  no_export.runtime.clear();
  no_export.imported = false;
  no_export.max_abs_diff.reset();
  no_export.top1_agreement.reset();
  no_export.note = "export failed: not supported";
  return {ok, refused, no_export};
}

}  // namespace

TEST(OnnxConversionMatrix, MarkdownHasOneRowPerCellWithMarksAndReasons) {
  const std::string md = conversion_markdown(sample_results());
  EXPECT_HAS(md,
             "| Model | Framework | Format | Export | Runtime | Import | Max abs diff | Top-1 agreement | Reason |");
  EXPECT_HAS(md, "| net | libtorch 1.13.0 | onnx | ✔ | ONNXExecRuntime | ✔ | 1.50e-06 | 100.0 % |  |");
  // A '|' inside a reason must not split the table's cell.
  EXPECT_HAS(md, "| OpenCVRuntime | ✘ | – | – | import failed: Clip \\| min as input |");
  EXPECT_HAS(md, "| torchscript | ✘ | – | – | – | – | export failed: not supported |");
}

TEST(OnnxConversionMatrix, RstIsAListTableWithTheSameCells) {
  const std::string rst = conversion_rst(sample_results());
  EXPECT_HAS(rst, ".. list-table::\n   :header-rows: 1\n");
  EXPECT_HAS(rst, "   * - Model\n     - Framework\n");
  EXPECT_HAS(rst, "   * - net\n     - libtorch 1.13.0\n     - onnx\n     - ✔\n     - ONNXExecRuntime\n     - ✔\n");
  EXPECT_HAS(rst, "     - import failed: Clip | min as input\n");
}

TEST(OnnxConversion, UnknownClassesAreRefusedBeforeAnyWork) {
  TempDir dir;
  ConversionOptions o;
  o.work_dir = dir.path() / "out";
  o.models = {{"no_such_wrapper", {}}};
  EXPECT_HAS(error_of<ConfigError>([&] { run_onnx_conversion(o); }), "unknown model wrapper 'no_such_wrapper'");
  o.models = {{"fashion_mnist_cnn", kCnn}};
  o.runtimes = {"NoSuchRuntime"};
  EXPECT_HAS(error_of<ConfigError>([&] { run_onnx_conversion(o); }), "unknown runtime 'NoSuchRuntime'");
  EXPECT_FALSE(fs::exists(o.work_dir));
}

#if KENNING_WITH_TORCH
TEST(OnnxConversion, ProjectCnnAgreesInEveryRuntime) {
  TempDir dir;
  ConversionOptions o;
  o.work_dir = dir.path();
  o.models = {{"fashion_mnist_cnn", kCnn}};
  o.batch_size = 4;
  const auto results = run_onnx_conversion(o);
  int imported = 0;
  for (const auto& r : results) {
    SCOPED_TRACE(r.format + " -> " + r.runtime + ": " + r.note);
    EXPECT_TRUE(r.exported);
    EXPECT_TRUE(r.imported);
    EXPECT_TRUE(r.note.empty());
    ASSERT_TRUE(r.max_abs_diff.has_value());
    EXPECT_LT(*r.max_abs_diff, 1e-4);
    ASSERT_TRUE(r.top1_agreement.has_value());
    EXPECT_EQ(*r.top1_agreement, 1.0);
    imported += r.imported;
  }
  // ONNX into our runtime (and OpenCV's when built), TorchScript into libtorch.
  EXPECT_GE(imported, 2);
  EXPECT_TRUE(fs::exists(dir.path() / "fashion_mnist_cnn" / "fashion_mnist_cnn.onnx"));
  EXPECT_TRUE(fs::exists(dir.path() / "fashion_mnist_cnn" / "fashion_mnist_cnn.ts"));
}

TEST(OnnxConversion, AModelThatCannotRunGivesARowWithTheReason) {
  TempDir dir;
  ConversionOptions o;
  o.work_dir = dir.path();
  o.models = {{"fashion_mnist_cnn", dir.path() / "missing" / "cnn.onnx"}};
  const auto results = run_onnx_conversion(o);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].exported);
  EXPECT_HAS(results[0].note, "cannot run the model natively");
  EXPECT_HAS(results[0].note, "cnn.pt");
}
#endif
