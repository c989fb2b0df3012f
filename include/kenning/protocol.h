// Protocol family: how the host talks to a target running `kenning server`.
// Interface only for now; transports and the framed protocol come later.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"

namespace kenning {

class Protocol : public Plugin {
 public:
  // Client side.
  virtual void initialize_client() = 0;
  virtual void upload_io_specification(const IOSpec& spec) = 0;
  virtual void upload_model(const std::filesystem::path& model) = 0;
  virtual void upload_input(std::span<const std::byte> data) = 0;
  virtual void request_processing() = 0;
  virtual std::vector<std::byte> download_output() = 0;
  virtual nlohmann::json download_statistics(bool final) = 0;

  // Server side: serves clients until `stop` is requested or an error occurs.
  virtual void initialize_server() = 0;

  // Both sides.
  virtual void disconnect() = 0;
};

}  // namespace kenning
