// Scratch folders and JSON reading shared by the end-to-end tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

// A fresh folder "kenning-e2e-<group>-<name>-<pid>" under the temp folder
// (emptied if a crashed run left it behind).
inline std::filesystem::path e2e_temp_dir(const std::string& group, const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kenning-e2e-" + group + "-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}
