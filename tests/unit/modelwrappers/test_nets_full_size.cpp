// PyTorchMobileNetV2 and PyTorchResNet at full size (224x224, torchvision's
// widths): the exports agree with libtorch there too, and the FLOP count of
// MobileNetV2 is torchvision's (~300 M multiply-adds). Labelled slow.
#include <gtest/gtest.h>

#include "net_test_support.h"
#include "onnx/onnx_flops.h"
#include "test_support.h"

namespace kenning {
namespace {

using namespace kenning::testing;

TEST(NetWrappersFullSize, MobileNetV2At224) {
  TempDir dir;
  PyTorchMobileNetV2::Params p;
  p.model_path = dir.path() / "m.onnx";
  PyTorchMobileNetV2 w(p);
  const GraphFlops flops = count_onnx_flops(dir.path() / "m.onnx", 1);
  std::cout << "mobilenet_v2 224: " << flops.total / 1e6 << " MFLOPs, " << net_param_count(w.graph())
            << " parameters\n";
  EXPECT_NEAR(flops.total, 2 * 300.8e6, 0.02 * 2 * 300.8e6);
  const Tensor x = random_input(2, 224, 1);
  const std::vector<float> want = run_native(w, x);
  EXPECT_EQ(want.size(), 2000u);
  w.save_to_torchscript(dir.path() / "m.ts");
  expect_close(run_onnx_exec(dir.path() / "m.onnx", x), want, "mobilenet_v2 224 onnx_exec");
  expect_close(run_jit(dir.path() / "m.ts", x), want, "mobilenet_v2 224 torchscript");
#if KENNING_WITH_OPENCV
  // OpenCV 4.6 reads Relu6 only as opset-10 Clip; same weights, opset 10.
  std::filesystem::copy_file(dir.path() / "m.pt", dir.path() / "m10.pt");
  p.model_path = dir.path() / "m10.onnx";
  p.opset = 10;
  PyTorchMobileNetV2 w10(p);
  expect_close(run_opencv(dir.path() / "m10.onnx", x), want, "mobilenet_v2 224 opencv opset 10");
#endif
}

TEST(NetWrappersFullSize, ResNet18At224) {
  TempDir dir;
  PyTorchResNet::Params p;
  p.model_path = dir.path() / "r.onnx";
  PyTorchResNet w(p);
  const GraphFlops flops = count_onnx_flops(dir.path() / "r.onnx", 1);
  std::cout << "resnet18 224: " << flops.total / 1e6 << " MFLOPs, " << net_param_count(w.graph()) << " parameters\n";
  const Tensor x = random_input(1, 224, 1);
  const std::vector<float> want = run_native(w, x);
  w.save_to_torchscript(dir.path() / "r.ts");
  expect_close(run_onnx_exec(dir.path() / "r.onnx", x), want, "resnet18 224 onnx_exec");
  expect_close(run_jit(dir.path() / "r.ts", x), want, "resnet18 224 torchscript");
#if KENNING_WITH_OPENCV
  expect_close(run_opencv(dir.path() / "r.onnx", x), want, "resnet18 224 opencv");
#endif
}

}  // namespace
}  // namespace kenning
