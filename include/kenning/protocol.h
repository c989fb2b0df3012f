// Protocol family: how the host talks to a target running `kenning server`
// (upstream Kenning's framed protocol, src/protocols/, over a transport the
// class picks: TCP for NetworkProtocol).
//
// Client call order: initialize_client, upload_io_specification,
// [optimize_on_target], upload_model, then per batch infer() (or
// upload_input -> request_processing -> download_output), optionally
// run_target_benchmark, and download_statistics(true) at the end; disconnect.
// Server: initialize_server once, then accept_client for each client; the
// channel it returns stays valid until the next accept_client or disconnect.
// Every wait is bounded by the class's timeout; failures throw ProtocolError.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"

namespace kenning {

namespace protocol {
class Channel;
}

class Protocol : public Plugin {
 public:
  // Client side.
  virtual void initialize_client() = 0;
  virtual void upload_io_specification(const IOSpec& spec) = 0;
  virtual void upload_model(const std::filesystem::path& model) = 0;
  virtual void upload_input(std::span<const std::byte> data) = 0;
  virtual void request_processing() = 0;
  virtual std::vector<std::byte> download_output() = 0;
  // One batch: upload, run, download (a protocol may pipeline the three).
  virtual std::vector<std::byte> infer(std::span<const std::byte> data) = 0;
  // `warmup` untimed, then `runs` timed runs of the last uploaded input on
  // the target; the times come back in the final statistics.
  virtual void run_target_benchmark(std::size_t runs, std::size_t warmup) = 0;
  // Runs optimizers on the target: `request` is upstream's
  // {prev_block: {model_path, model_type, io_spec}, optimizers: [...]};
  // returns the compiled model's bytes.
  virtual std::vector<std::byte> optimize_on_target(const nlohmann::json& request,
                                                    const std::filesystem::path& model) = 0;
  virtual nlohmann::json download_statistics(bool final) = 0;

  // Server side.
  virtual void initialize_server() = 0;
  virtual protocol::Channel& accept_client() = 0;
  // Where the server listens ("127.0.0.1:12345"), once initialized.
  virtual std::string endpoint() const = 0;
  // Shared secret a client must send in its first PING; empty: none.
  virtual std::string access_token() const = 0;

  // Both sides.
  virtual void disconnect() = 0;
};

}  // namespace kenning
