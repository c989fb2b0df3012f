// Payload of a STATUS transmission: one ServerAction byte (upstream
// Kenning's values), followed, when the FAIL flag is set, by an error text
// (our extension; readers of the first byte alone are unaffected).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kenning::protocol {

enum class ServerAction : std::uint8_t {
  WaitingForClient = 0,
  ClientConnected = 1,
  UploadingIoSpec = 2,
  UploadingModel = 3,
  UploadingUnoptimizedModel = 4,
  UploadingInput = 5,
  ProcessingInput = 6,
  ExtractingOutput = 7,
  ComputingStatistics = 8,
  OptimizingModel = 9,
  UploadingOptimizers = 10,
  UploadingRuntime = 11,
  Idle = 12,
};

struct ServerStatus {
  ServerAction action = ServerAction::Idle;
  std::string error;  // empty on success
};

std::vector<std::byte> encode_status(const ServerStatus& status);
// Lenient: an empty payload reads as Idle, an unknown action byte is kept as is.
ServerStatus decode_status(std::span<const std::byte> payload);

}  // namespace kenning::protocol
