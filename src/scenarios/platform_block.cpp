#include "scenarios/platform_block.h"

#include <algorithm>

#include "kenning/core/error.h"

namespace kenning {

namespace {

template <const char* Class>
const ParamSchema<PlatformParams>& platform_schema(const char* description) {
  static const auto s =
      ParamSchema<PlatformParams>(Class, description)
          .field("name", &PlatformParams::name, "Board name in the platform definitions (upstream's `name`)")
          .field("platforms_definitions", &PlatformParams::platforms_definitions,
                 "Platform definition files (upstream's platforms.yml); kept in build_cfg");
  return s;
}

constexpr char kLocal[] = "LocalPlatform";
constexpr char kCuda[] = "CUDAPlatform";

// Upstream platforms that run on a board or a simulator: nothing here can
// flash, simulate or reach them as upstream does.
constexpr const char* kBoardPlatforms[] = {"BareMetalPlatform", "ZephyrPlatform", "SimulatablePlatform",
                                           "ROS2Platform"};

}  // namespace

const RegistryBase& platform_classes() {
  static const RegistryBase registry = [] {
    RegistryBase r("platform", "platforms");
    r.add_declared(platform_schema<kLocal>("This machine (upstream's LocalPlatform)"), "local");
    r.add_declared(platform_schema<kCuda>("This machine with a CUDA GPU (upstream's CUDAPlatform)"), "cuda");
    return r;
  }();
  return registry;
}

nlohmann::json check_platform_block(const nlohmann::json& block, const std::string& where) {
  const std::string type = block.at("type").get<std::string>();
  const std::string short_name = type.substr(type.rfind('.') == std::string::npos ? 0 : type.rfind('.') + 1);
  if (std::find_if(std::begin(kBoardPlatforms), std::end(kBoardPlatforms),
                   [&](const char* b) { return short_name == b; }) != std::end(kBoardPlatforms)) {
    throw NotSupported(where + ": upstream Kenning's " + short_name +
                       " (a board or simulator) is not supported; nearest platform class here: LocalPlatform");
  }
  const ClassInfo* info = nullptr;
  try {
    info = &platform_classes().find(type);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  const nlohmann::json given = block.contains("parameters") ? block["parameters"] : nlohmann::json::object();
  return {{"type", type}, {"parameters", validate_params(info->params, given, where + ".parameters", info->name)}};
}

}  // namespace kenning
