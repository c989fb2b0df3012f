// Payload of a LOGS transmission (target -> host): entries of one length
// byte followed by that many bytes of text, " [LEVEL] message". Upstream's
// target may write a length byte that does not match what follows (a long
// message), so reading never fails: a short tail is kept as it is.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace kenning::protocol {

struct LogEntry {
  std::string level;    // "INFO", "ERROR", ...; empty when the text has no " [LEVEL]" prefix
  std::string message;  // the text after the prefix
};

// " [LEVEL] message" entries, each cut to 255 bytes.
std::vector<std::byte> encode_log_entries(std::span<const LogEntry> entries);
std::vector<LogEntry> decode_log_entries(std::span<const std::byte> payload);

}  // namespace kenning::protocol
