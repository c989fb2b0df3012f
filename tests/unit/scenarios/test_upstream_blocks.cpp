// Upstream Kenning's scenario blocks and class names: the platform block is
// checked as upstream names its fields and kept, other blocks warn, an
// upstream class we have under another name is found, and a class we lack
// fails with the nearest one.
#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "scenarios/platform_block.h"

using kenning::ConfigError;
using kenning::NotSupported;
using nlohmann::json;

namespace {

template <class E>
std::string error_of(const json& block) {
  try {
    kenning::check_platform_block(block, "s.json: platform");
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(UpstreamBlocks, LocalPlatformIsCheckedAndCompleted) {
  const json block = kenning::check_platform_block({{"type", "kenning.platforms.local.LocalPlatform"},
                                                    {"parameters", {{"platforms_definitions", {"platforms.yml"}}}}},
                                                   "s.json: platform");
  EXPECT_EQ(block["type"], "kenning.platforms.local.LocalPlatform");
  EXPECT_EQ(block["parameters"], (json{{"name", ""}, {"platforms_definitions", {"platforms.yml"}}}));
  // Upstream's client/server example gives the bare class name, no parameters.
  EXPECT_EQ(kenning::check_platform_block({{"type", "LocalPlatform"}}, "s.json: platform")["parameters"]["name"], "");
}

TEST(UpstreamBlocks, PlatformErrorsNameTheFieldOrTheNearestClass) {
  EXPECT_NE(error_of<ConfigError>({{"type", "LocalPlatform"}, {"parameters", {{"platforms_definitions", "p.yml"}}}})
                .find("s.json: platform.parameters.platforms_definitions: expected list of path"),
            std::string::npos);
  EXPECT_NE(error_of<ConfigError>({{"type", "LocalPlatform"}, {"parameters", {{"uart_port", "/dev/ttyUSB0"}}}})
                .find("unknown parameter 'uart_port' for LocalPlatform"),
            std::string::npos);
  EXPECT_NE(error_of<ConfigError>({{"type", "peer_classes.RemoteLocalPlatform"}})
                .find("unknown platform class 'peer_classes.RemoteLocalPlatform' (nearest platform class here: "
                      "LocalPlatform)"),
            std::string::npos);
  EXPECT_NE(error_of<NotSupported>({{"type", "kenning.platforms.zephyr.ZephyrPlatform"}})
                .find("upstream Kenning's ZephyrPlatform (a board or simulator) is not supported"),
            std::string::npos);
}

TEST(UpstreamBlocks, UpstreamClassNamesFindOurs) {
  const auto& runtimes = kenning::registries().runtimes;
  EXPECT_EQ(runtimes.find("kenning.runtimes.onnx.ONNXRuntime").name, "ONNXExecRuntime");
  EXPECT_EQ(runtimes.find("ONNXRuntime").name, "ONNXExecRuntime");
  EXPECT_EQ(runtimes.find("kenning.runtimes.pytorch.PyTorchRuntime").name, "PyTorchRuntime");
  try {
    kenning::registries().datasets.find("kenning.datasets.pet_dataset.PetDataset");
    FAIL() << "PetDataset found";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("unknown dataset class 'kenning.datasets.pet_dataset.PetDataset' (nearest dataset class "
                         "here: ",
                         0),
              0u)
        << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line";
  }
}

TEST(UpstreamBlocks, UpstreamParameterNamesAreDeclaredAliases) {
  const auto& camera = kenning::registries().data_providers.find("CameraDataProvider");
  auto decl = [&](const std::string& name) {
    for (const auto& d : camera.params) {
      if (d.name == name) return d;
    }
    ADD_FAILURE() << name;
    return kenning::ParamDecl{};
  };
  EXPECT_EQ(decl("video_source").aliases, std::vector<std::string>{"video_file_path"});
  EXPECT_EQ(decl("width").aliases, std::vector<std::string>{"input_width"});
  EXPECT_EQ(decl("height").aliases, std::vector<std::string>{"input_height"});
  EXPECT_TRUE(decl("input_memory_layout").ignored);
  EXPECT_TRUE(decl("input_color_format").ignored);
  const json validated = kenning::validate_params(
      camera.params, {{"video_file_path", "clip.mp4"}, {"input_width", 320}, {"input_memory_layout", "NCHW"}},
      "s.json: data_provider.parameters", camera.name);
  EXPECT_EQ(validated["video_source"], "clip.mp4");
  EXPECT_EQ(validated["width"], 320);
  EXPECT_FALSE(validated.contains("input_memory_layout"));
}
