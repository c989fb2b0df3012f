#include "protocols/server_status.h"

namespace kenning::protocol {

ServerAction action_for(MessageType type) {
  switch (type) {
    case MessageType::Ping:
      return ServerAction::ClientConnected;
    case MessageType::IoSpec:
      return ServerAction::UploadingIoSpec;
    case MessageType::Model:
      return ServerAction::UploadingModel;
    case MessageType::Data:
      return ServerAction::UploadingInput;
    case MessageType::Process:
      return ServerAction::ProcessingInput;
    case MessageType::Output:
      return ServerAction::ExtractingOutput;
    case MessageType::Stats:
      return ServerAction::ComputingStatistics;
    case MessageType::Optimizers:
      return ServerAction::UploadingOptimizers;
    case MessageType::OptimizeModel:
      return ServerAction::OptimizingModel;
    case MessageType::UnoptimizedModel:
      return ServerAction::UploadingUnoptimizedModel;
    case MessageType::Runtime:
      return ServerAction::UploadingRuntime;
    default:
      return ServerAction::Idle;
  }
}

std::vector<std::byte> encode_action(ServerAction action) { return {static_cast<std::byte>(action)}; }

std::optional<ServerAction> decode_action(std::span<const std::byte> payload) {
  if (payload.empty()) return std::nullopt;
  for (std::size_t i = 1; i < payload.size(); ++i) {
    if (payload[i] != std::byte{0}) return std::nullopt;  // little-endian: a non-zero high byte makes it > 255
  }
  return static_cast<ServerAction>(payload[0]);
}

}  // namespace kenning::protocol
