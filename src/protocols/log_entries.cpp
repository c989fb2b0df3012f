#include "protocols/log_entries.h"

#include <algorithm>

namespace kenning::protocol {

namespace {

constexpr std::size_t kMaxEntry = 255;

LogEntry parse_entry(std::string text) {
  LogEntry e;
  const auto open = text.find('[');
  const auto close = text.find(']');
  if (open != std::string::npos && close != std::string::npos && open < close && text.find_first_not_of(' ') == open) {
    e.level = text.substr(open + 1, close - open - 1);
    const auto start = text.find_first_not_of(' ', close + 1);
    e.message = start == std::string::npos ? "" : text.substr(start);
  } else {
    e.message = std::move(text);
  }
  return e;
}

}  // namespace

std::vector<std::byte> encode_log_entries(std::span<const LogEntry> entries) {
  std::vector<std::byte> out;
  for (const auto& e : entries) {
    std::string text = " [" + e.level + "] " + e.message;
    text.resize(std::min(text.size(), kMaxEntry));
    out.push_back(static_cast<std::byte>(text.size()));
    for (char c : text) out.push_back(static_cast<std::byte>(c));
  }
  return out;
}

std::vector<LogEntry> decode_log_entries(std::span<const std::byte> payload) {
  std::vector<LogEntry> entries;
  std::size_t at = 0;
  while (at < payload.size()) {
    const std::size_t length = static_cast<std::size_t>(payload[at++]);
    const std::size_t n = std::min(length, payload.size() - at);
    entries.push_back(parse_entry(std::string(reinterpret_cast<const char*>(payload.data()) + at, n)));
    at += n;
  }
  return entries;
}

}  // namespace kenning::protocol
