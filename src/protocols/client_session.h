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

#include "protocols/channel.h"
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
  // DATA, PROCESS and OUTPUT in one go: the three requests leave together
  // and their answers are read after, so a batch costs one wait for the
  // target instead of four. The same messages as the three calls above.
  std::vector<std::byte> infer(std::span<const std::byte> data);
  // The target-side benchmark: a PROCESS transmission carrying
  // {"runs": N, "warmup": W} makes the target run the last uploaded input W
  // times untimed, then N times timed (target_benchmark_step in its STATS).
  void benchmark(std::size_t runs, std::size_t warmup);
  nlohmann::json download_statistics(bool final);
  // Target-side optimization: OPTIMIZERS (the JSON `request`), then
  // UNOPTIMIZED_MODEL, then an OPTIMIZE_MODEL request answered with the
  // compiled model's bytes.
  std::vector<std::byte> optimize_model(const nlohmann::json& request, const std::filesystem::path& model);
  // Ends the session the way upstream's serial client does: PING with FAIL.
  void goodbye();

 private:
  // Waits for the STATUS that ends an upload or a PROCESS request.
  void expect_status(const char* what);
  std::vector<std::byte> read_file(const std::filesystem::path& model) const;

  Channel& channel_;
};

}  // namespace kenning::protocol
