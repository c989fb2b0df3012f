// FLOP counting from ONNX shapes, checked against hand-computed counts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "kenning/core/error.h"
#include "onnx/onnx_flops.h"
#include "onnx/onnx_graph_builder.h"

namespace kenning {
namespace {

namespace fs = std::filesystem;

// conv1 32x28x28 outputs x 9 MACs, conv2 64x14x14 x 288, fc 3136x128, fc 128x10.
constexpr double kCnnConvMacs = 32.0 * 28 * 28 * 9 + 64.0 * 14 * 14 * 32 * 9;
constexpr double kCnnGemmMacs = 3136.0 * 128 + 128.0 * 10;

TEST(OnnxFlops, ProjectCnnMatchesTheHandCount) {
  const GraphFlops one = count_onnx_flops("models/fashion-mnist-cnn.onnx");
  EXPECT_DOUBLE_EQ(one.by_op.at("Conv"), 2 * kCnnConvMacs);
  EXPECT_DOUBLE_EQ(one.by_op.at("Gemm"), 2 * kCnnGemmMacs);
  EXPECT_DOUBLE_EQ(one.total, 2 * (kCnnConvMacs + kCnnGemmMacs));  // 8 482 304
  EXPECT_EQ(one.nodes_without_shapes, 0);
  // The symbolic batch dimension takes the asked batch size.
  EXPECT_DOUBLE_EQ(count_onnx_flops("models/fashion-mnist-cnn.onnx", 32).total, 32 * one.total);
}

TEST(OnnxFlops, GroupedConvMatMulAndConvTranspose) {
  OnnxGraphBuilder b("g");
  b.add_input("x", DType::Float32, {-1, 4, 8, 8});
  b.add_initializer("w", std::vector<float>(8 * 2 * 3 * 3, 0.1f), {8, 2, 3, 3});
  b.add_node("Conv", {"x", "w"}, {"c"}, {{"group", std::int64_t{2}}, {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}});
  b.add_initializer("m", std::vector<float>(8 * 5, 0.1f), {8, 5});
  b.add_node("MatMul", {"c", "m"}, {"mm"});  // [n, 8, 8, 8] x [8, 5]
  b.add_initializer("t", std::vector<float>(5 * 3 * 2 * 2, 0.1f), {5, 3, 2, 2});
  b.add_node("Transpose", {"mm"}, {"tp"}, {{"perm", std::vector<std::int64_t>{0, 3, 1, 2}}});
  b.add_node("ConvTranspose", {"tp", "t"}, {"y"}, {{"strides", std::vector<std::int64_t>{2, 2}}});
  b.add_output("y", DType::Float32, {-1, 3, 16, 16});
  const fs::path path = fs::temp_directory_path() / "kenning_test_flops.onnx";
  b.save(path);

  const GraphFlops f = count_onnx_flops(path, 2);
  const double conv = 2.0 * 8 * 8 * 8 * (2 * 3 * 3);   // outputs x (C_in/group * k*k), per sample
  const double matmul = 2.0 * 8 * 8 * 5 * 8;           // outputs x K
  const double convt = 2.0 * 5 * 8 * 8 * (3 * 2 * 2);  // inputs x (C_out * k*k)
  EXPECT_DOUBLE_EQ(f.by_op.at("Conv"), 2 * conv);      // batch 2
  EXPECT_DOUBLE_EQ(f.by_op.at("MatMul"), 2 * matmul);
  EXPECT_DOUBLE_EQ(f.by_op.at("ConvTranspose"), 2 * convt);
  EXPECT_FALSE(f.by_op.count("Transpose"));
  fs::remove(path);
}

TEST(OnnxFlops, NotOnnxIsIoErrorNamingTheFile) {
  const fs::path path = fs::temp_directory_path() / "kenning_test_flops_bad.onnx";
  std::ofstream(path) << "definitely not protobuf \xff\xff\xff";
  try {
    count_onnx_flops(path);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
  }
  fs::remove(path);
}

}  // namespace
}  // namespace kenning
