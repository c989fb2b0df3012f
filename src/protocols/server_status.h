// Upstream Kenning's ServerAction: the one byte a target answers an upload
// or a PROCESS request with (same message type, TRANSMISSION, SUCCESS or
// FAIL). Nothing follows the byte: upstream's host reads the whole payload
// as one little-endian number, so an extra byte would change the action.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocols/frame.h"

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

// What the target answers a request of `type` with (ClientConnected for PING).
ServerAction action_for(MessageType type);
std::vector<std::byte> encode_action(ServerAction action);
// The action of a reply payload, read as upstream does (the whole payload as
// a little-endian number); nullopt when it is empty or above 255.
std::optional<ServerAction> decode_action(std::span<const std::byte> payload);

}  // namespace kenning::protocol
