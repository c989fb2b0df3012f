// The host's side of a session with `kenning server`, over any Channel:
// each call is one exchange of upstream Kenning's remote inference loop.
// Failures (timeout, refusal, the target's error STATUS) throw ProtocolError
// carrying the target's message.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "channel.h"
#include "kenning/core/io_spec.h"

namespace kenning::protocol {

class ClientSession {
 public:
  explicit ClientSession(Channel& channel) : channel_(channel) {}

  // PING carrying the shared token (empty when the server needs none).
  void hello(const std::string& token);
  void upload_io_specification(const IOSpec& spec);
  // Refuses files above the channel's max_message_size before sending.
  void upload_model(const std::filesystem::path& model);
  void upload_input(std::span<const std::byte> data);
  void request_processing();
  std::vector<std::byte> download_output();
  nlohmann::json download_statistics(bool final);

 private:
  // Waits for the STATUS that ends an upload or a PROCESS request.
  void expect_status(const char* what);

  Channel& channel_;
};

}  // namespace kenning::protocol
