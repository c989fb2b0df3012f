#include "protocols/frame.h"

#include <cstring>

namespace kenning::protocol {

namespace {

constexpr std::uint64_t kTypeMask = (std::uint64_t{1} << 38) - 1;

std::uint8_t byte_at(std::span<const std::byte> b, std::size_t i) { return static_cast<std::uint8_t>(b[i]); }

void put_le(std::span<std::byte> out, std::size_t at, std::uint64_t value, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[at + i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
}

std::uint64_t get_le(std::span<const std::byte> b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{byte_at(b, at + i)} << (8 * i);
  return v;
}

std::uint8_t xor_all(std::span<const std::byte> b) {
  std::uint8_t x = 0;
  for (std::byte c : b) x ^= static_cast<std::uint8_t>(c);
  return x;
}

}  // namespace

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::Ping:
      return "PING";
    case MessageType::Status:
      return "STATUS";
    case MessageType::Data:
      return "DATA";
    case MessageType::Model:
      return "MODEL";
    case MessageType::Process:
      return "PROCESS";
    case MessageType::Output:
      return "OUTPUT";
    case MessageType::Stats:
      return "STATS";
    case MessageType::IoSpec:
      return "IO_SPEC";
    case MessageType::TraceData:
      return "TRACE_DATA";
    case MessageType::Optimizers:
      return "OPTIMIZERS";
    case MessageType::OptimizeModel:
      return "OPTIMIZE_MODEL";
    case MessageType::Runtime:
      return "RUNTIME";
    case MessageType::UnoptimizedModel:
      return "UNOPTIMIZED_MODEL";
    case MessageType::Logs:
      return "LOGS";
  }
  return "UNKNOWN";
}

const char* flow_control_name(FlowControl fc) {
  switch (fc) {
    case FlowControl::Request:
      return "REQUEST";
    case FlowControl::RequestRetransmit:
      return "REQUEST_RETRANSMIT";
    case FlowControl::Acknowledge:
      return "ACKNOWLEDGE";
    case FlowControl::Transmission:
      return "TRANSMISSION";
  }
  return "UNKNOWN";
}

const char* frame_error_text(FrameError e) {
  switch (e) {
    case FrameError::None:
      return "no error";
    case FrameError::UnknownType:
      return "unknown message type";
    case FrameError::TooLarge:
      return "payload larger than allowed";
    case FrameError::BadChecksum:
      return "bad checksum";
  }
  return "unknown error";
}

std::vector<std::byte> encode_frame(FrameHeader header, std::span<const std::byte> payload) {
  std::vector<std::byte> out;
  append_frame(out, header, payload);
  return out;
}

void append_frame(std::vector<std::byte>& out, FrameHeader h, std::span<const std::byte> payload) {
  if (!payload.empty()) {
    h.flags |= flag::kHasPayload;
    h.size = static_cast<std::uint32_t>(payload.size());
  } else {
    h.flags &= static_cast<std::uint16_t>(~flag::kHasPayload);
  }
  std::array<std::byte, kHeaderSize> head{};
  const std::uint64_t id =
      (static_cast<std::uint64_t>(h.type) & kTypeMask) | (static_cast<std::uint64_t>(h.flow) << 38);
  put_le(head, 0, id, 5);
  put_le(head, 6, h.flags, 2);
  put_le(head, 8, h.size, 4);
  head[5] = static_cast<std::byte>(xor_all(head) ^ xor_all(payload) ^ kChecksumMagic);
  out.insert(out.end(), head.begin(), head.end());
  out.insert(out.end(), payload.begin(), payload.end());
}

FrameHeader decode_header(std::span<const std::byte, kHeaderSize> b) {
  FrameHeader h;
  const std::uint64_t id = get_le(b, 0, 5);
  h.type = static_cast<MessageType>(id & kTypeMask);
  h.flow = static_cast<FlowControl>((id >> 38) & 0x3);
  h.checksum = byte_at(b, 5);
  h.flags = static_cast<std::uint16_t>(get_le(b, 6, 2));
  h.size = static_cast<std::uint32_t>(get_le(b, 8, 4));
  return h;
}

FrameError check_header(const FrameHeader& h, std::size_t max_payload) {
  if (static_cast<std::uint64_t>(h.type) > kMaxMessageType) return FrameError::UnknownType;
  if (h.payload_size() > max_payload) return FrameError::TooLarge;
  return FrameError::None;
}

std::uint8_t frame_checksum(std::span<const std::byte, kHeaderSize> header, std::span<const std::byte> payload) {
  // The stored checksum byte takes no part in its own computation.
  return static_cast<std::uint8_t>(xor_all(header) ^ byte_at(header, 5) ^ xor_all(payload) ^ kChecksumMagic);
}

std::optional<DecodeResult> decode_frame(std::span<const std::byte> bytes, std::size_t max_payload) {
  if (bytes.size() < kHeaderSize) return std::nullopt;
  const auto header = bytes.first<kHeaderSize>();
  DecodeResult r;
  r.frame.header = decode_header(header);
  r.error = check_header(r.frame.header, max_payload);
  if (r.error != FrameError::None) {
    r.used = kHeaderSize;
    return r;
  }
  const std::size_t n = r.frame.header.payload_size();
  if (bytes.size() - kHeaderSize < n) return std::nullopt;
  const auto payload = bytes.subspan(kHeaderSize, n);
  r.used = kHeaderSize + n;
  if (frame_checksum(header, payload) != r.frame.header.checksum) {
    r.error = FrameError::BadChecksum;
    return r;
  }
  r.frame.payload.assign(payload.begin(), payload.end());
  return r;
}

std::string describe(const FrameHeader& h) {
  return std::string(message_type_name(h.type)) + " " + flow_control_name(h.flow) + " (flags 0x" +
         [&] {
           static const char* hex = "0123456789abcdef";
           std::string s;
           for (int shift = 12; shift >= 0; shift -= 4) s += hex[(h.flags >> shift) & 0xF];
           return s;
         }() +
         ", size " + std::to_string(h.size) + ")";
}

}  // namespace kenning::protocol
