#include "protocols/server_status.h"

namespace kenning::protocol {

std::vector<std::byte> encode_status(const ServerStatus& status) {
  std::vector<std::byte> out;
  out.reserve(1 + status.error.size());
  out.push_back(static_cast<std::byte>(status.action));
  for (char c : status.error) out.push_back(static_cast<std::byte>(c));
  return out;
}

ServerStatus decode_status(std::span<const std::byte> payload) {
  ServerStatus s;
  if (payload.empty()) return s;
  s.action = static_cast<ServerAction>(payload[0]);
  s.error.assign(reinterpret_cast<const char*>(payload.data()) + 1, payload.size() - 1);
  return s;
}

}  // namespace kenning::protocol
