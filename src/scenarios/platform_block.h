// The `platform` block of upstream Kenning scenarios. Upstream names the
// board a scenario runs on; kenning-cpp runs the host side on this machine,
// so it accepts the platforms that mean "here" (LocalPlatform, CUDAPlatform)
// with their parameters as upstream names them, and keeps the block in
// build_cfg. Boards (BareMetalPlatform, ZephyrPlatform, ...) are refused.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/registry.h"

namespace kenning {

// Upstream's Platform parameters.
struct PlatformParams {
  std::string name;  // the board's entry in platforms_definitions; empty: the class's default
  std::vector<std::filesystem::path> platforms_definitions;  // platforms.yml files
};

// The platform classes accepted here (family "platform"), for lookup and
// `kenning info`-style errors.
const RegistryBase& platform_classes();

// Checks `block` ({"type", "parameters"}) as upstream names its fields and
// returns it with every parameter filled in. ConfigError naming `where` for
// an unknown class (with the nearest one) or a bad parameter, NotSupported
// for an upstream board platform.
nlohmann::json check_platform_block(const nlohmann::json& block, const std::string& where);

}  // namespace kenning
