// The NetGraph wrappers without libtorch (PyTorchMobileNetV2, PyTorchResNet):
// parameter validation and registration, and the model wrapper base class's
// defaults.
#include <gtest/gtest.h>

#include <filesystem>

#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "modelwrappers/mobilenet_v2.h"
#include "modelwrappers/resnet.h"
#include "test_support.h"

namespace kenning {
namespace {

using testing::error_of;

TEST(NetWrapperParams, SchemaFillsDefaultsAndRejectsBadValues) {
  const auto p = PyTorchMobileNetV2::schema().parse({{"model_path", "m.onnx"}}, "s.json: model_wrapper");
  EXPECT_EQ(p.input_size, 224);
  EXPECT_EQ(p.num_classes, 1000);
  EXPECT_EQ(p.opset, 13);
  EXPECT_DOUBLE_EQ(p.width_mult, 1.0);
  const auto r = PyTorchResNet::schema().parse({{"model_path", "m.onnx"}}, "s.json");
  EXPECT_EQ(r.depth, 18);
  EXPECT_EQ(r.base_width, 64);
  EXPECT_HAS(error_of<ConfigError>([] { PyTorchResNet::schema().parse(json::object(), "s.json: mw"); }), "model_path");
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{{"width_mult", 0.0},
                                                                            {"input_size", 16},
                                                                            {"num_classes", 0},
                                                                            {"opset", 8},
                                                                            {"opset", 18},
                                                                            {"batch_size", -1},
                                                                            {"num_threads", -1}}) {
    const std::string msg = error_of<ConfigError>([&] {
      PyTorchMobileNetV2::schema().parse({{"model_path", "m.onnx"}, {key, value}}, "s.json");
    });
    EXPECT_HAS(msg, key);
  }
}

TEST(NetWrapperParams, ConstructorsCheckTheDeclarationAndWhatItCannotSay) {
  // Depths between 10 and 34 other than 10, 18, 34 pass the schema's range.
  PyTorchResNet::Params r;
  r.model_path = "never/created.onnx";
  r.depth = 20;
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchResNet w(r); }), "PyTorchResNet: parameter 'depth'");
  PyTorchMobileNetV2::Params m;
  m.model_path = "never/created.bin";
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchMobileNetV2 w(m); }), "a .pt, .pth, .onnx or .ts file");
  m.model_path = "never/created.onnx";
  m.width_mult = 0;
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchMobileNetV2 w(m); }), "PyTorchMobileNetV2.width_mult: expected");
  m.width_mult = 1;
  m.input_size = 8;
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchMobileNetV2 w(m); }), "PyTorchMobileNetV2.input_size: expected");
  m.input_size = 64;
  m.opset = 7;
  EXPECT_HAS(error_of<ConfigError>([&] { PyTorchMobileNetV2 w(m); }), "PyTorchMobileNetV2.opset: expected");
  EXPECT_FALSE(std::filesystem::exists("never"));
}

TEST(NetWrapperRegistry, ListsBothUnderTheirModuleNames) {
  Registry<ModelWrapper> r("model_wrapper", "modelwrappers");
  register_model_wrappers(r);
  EXPECT_EQ(r.find("kenning.modelwrappers.mobilenet_v2.PyTorchMobileNetV2").name, "PyTorchMobileNetV2");
  EXPECT_EQ(r.find("kenning.modelwrappers.resnet.PyTorchResNet").name, "PyTorchResNet");
  EXPECT_EQ(r.find("mobilenet_v2").name, "PyTorchMobileNetV2");
  EXPECT_EQ(r.find("resnet").name, "PyTorchResNet");
  // Checks beyond the declaration still name the scenario block.
  const std::string msg = error_of<ConfigError>([&] {
    r.create("resnet", {{"model_path", "never/r.onnx"}, {"depth", 19}}, "s.json: model_wrapper");
  });
  EXPECT_HAS(msg, "s.json: model_wrapper");
  EXPECT_HAS(msg, "depth");
}

// A wrapper with nothing but the required overrides.
class BareWrapper : public ModelWrapper {
 public:
  std::filesystem::path model_path() const override { return "m.onnx"; }
  IOSpec io_spec() const override { return {}; }
  std::string framework() const override { return "none"; }
  std::string framework_version() const override { return ""; }
  std::vector<std::string> output_formats() const override { return {}; }
  std::vector<Tensor> preprocess(const Batch&) const override { return {}; }
  std::vector<Tensor> postprocess(std::vector<Tensor> o) const override { return o; }
};

TEST(ModelWrapperBase, TorchScriptExportIsNotSupportedByDefault) {
  BareWrapper w;
  EXPECT_EQ(error_of<NotSupported>([&] { w.save_to_torchscript("m.ts"); }),
            "this model wrapper cannot export to TorchScript");
  w.set_configuration("BareWrapper", json::object());
  EXPECT_EQ(error_of<NotSupported>([&] { w.save_to_torchscript("m.ts"); }), "BareWrapper cannot export to TorchScript");
}

}  // namespace
}  // namespace kenning
