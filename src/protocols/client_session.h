// The host's side of a session with a target (`kenning server`, or
// upstream Kenning's), over any Channel, as upstream's host does it: one
// REQUEST at a time (uploads carry their payload), then wait for the reply,
// a TRANSMISSION of the same type. Uploads and PROCESS are answered with one
// ServerAction byte and SUCCESS or FAIL; OUTPUT, STATS and OPTIMIZE_MODEL
// with their data and SUCCESS. LOGS may arrive at any time: they are logged
// at their level and never taken for a reply. Every wait is bounded by the
// channel's timeout (upstream's target stays silent on some bad requests).
// Failures throw ProtocolError, naming the last error the target logged.
#pragma once

#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/io_spec.h"
#include "protocols/channel.h"
#include "protocols/server_status.h"

namespace kenning::protocol {

// How the I/O specification is uploaded: JSON (TCP), or upstream's binary
// struct where it fits (serial lines), JSON otherwise.
enum class IoSpecForm { Json, StructWhereItFits };

class ClientSession {
 public:
  explicit ClientSession(Channel& channel, IoSpecForm io_spec_form = IoSpecForm::Json)
      : channel_(channel), io_spec_form_(io_spec_form) {}

  // PING + SUCCESS, carrying the access token when there is one; waits
  // `per_attempt` for the PING reply and tries `attempts` times (upstream's
  // serial client: 1 s, 5 times).
  void hello(const std::string& token, int attempts = 1,
             std::chrono::milliseconds per_attempt = std::chrono::milliseconds{0});
  void upload_io_specification(const IOSpec& spec);
  // Refuses files above the channel's max_message_size before sending.
  void upload_model(const std::filesystem::path& model);
  void upload_input(std::span<const std::byte> data);
  void request_processing();
  std::vector<std::byte> download_output();
  // DATA, PROCESS, OUTPUT, one after the other.
  std::vector<std::byte> infer(std::span<const std::byte> data);
  // The target-side benchmark (our extension): a PROCESS request carrying
  // {"runs": N, "warmup": W} makes the target run the last uploaded input W
  // times untimed, then N times timed (target_benchmark_step in its STATS).
  void benchmark(std::size_t runs, std::size_t warmup);
  // An empty reply (upstream's serial targets) is an empty object.
  nlohmann::json download_statistics();
  // Target-side optimization: OPTIMIZERS (the JSON `request`), then
  // UNOPTIMIZED_MODEL, then an OPTIMIZE_MODEL request answered with the
  // compiled model's bytes.
  std::vector<std::byte> optimize_model(const nlohmann::json& request, const std::filesystem::path& model);
  // Ends the session the way upstream's serial client does: PING with FAIL,
  // answered by a PING transmission.
  void goodbye(int attempts = 1, std::chrono::milliseconds per_attempt = std::chrono::milliseconds{0});

 private:
  // Sends a request and waits for the reply of its type; throws on FAIL.
  Message exchange(MessageType type, std::span<const std::byte> payload, const char* what);
  // Waits for the TRANSMISSION of `type`, logging LOGS on the way.
  Message await_reply(MessageType type, const char* what, std::chrono::milliseconds timeout);
  // exchange() for uploads and PROCESS: the reply must name `action`.
  void exchange_status(MessageType type, std::span<const std::byte> payload, const char* what);
  void ping(std::uint16_t flags, std::span<const std::byte> payload, int attempts,
            std::chrono::milliseconds per_attempt, const char* what);
  [[noreturn]] void fail(const char* what, const std::string& why) const;
  std::vector<std::byte> read_file(const std::filesystem::path& model) const;

  Channel& channel_;
  IoSpecForm io_spec_form_;
  std::string last_target_error_;  // the last ERROR entry of the target's LOGS
};

}  // namespace kenning::protocol
