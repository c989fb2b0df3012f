// Protocol family: how the host talks to a target running `kenning server`
// (upstream Kenning's framed protocol, src/protocols/, over a transport the
// class picks: TCP for NetworkProtocol, a serial line for UARTProtocol).
//
// One scenario `protocol` block builds both sides. This header is the host
// side, the registered class. The target side is a listener made from the
// same validated parameters (protocol::make_listener, src/protocols/listener.h),
// which only `kenning server` and src/server use, so its types (transport,
// channel) stay out of this header.
//
// Host call order: initialize_client, upload_io_specification,
// [optimize_on_target], upload_model, then per batch infer() (or
// upload_input -> request_processing -> download_output), optionally
// run_target_benchmark, and download_statistics(true) at the end; disconnect.
// Target call order: listen once, then accept for each client; each client's
// connection is closed (destroyed) before the next accept.
// Every wait but the listener's wait for a client is bounded by the class's
// timeout; failures throw ProtocolError.
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

class Protocol : public Plugin {
 public:
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
  virtual void disconnect() = 0;

  // The target this client talks to ("127.0.0.1:12345", "/dev/ttyUSB0"), for messages.
  virtual std::string endpoint() const = 0;
};

}  // namespace kenning
