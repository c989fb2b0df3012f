// One frame of upstream Kenning's host/target protocol: a 12-byte
// little-endian header, then `payload_size` bytes when HAS_PAYLOAD is set.
//
//   bytes 0-4  message id: bits 0-37 message type, bits 38-39 flow control
//   byte  5    checksum: XOR of every other byte of the frame, XOR 0x4B
//   bytes 6-7  flags (bit 0 SUCCESS, 1 FAIL, 2 IS_HOST_MESSAGE, 3 HAS_PAYLOAD,
//              4 FIRST, 5 LAST, 6 IS_KENNING, 7 IS_ZEPHYR, 12-15 type-specific)
//   bytes 8-11 payload size (for ACKNOWLEDGE: frames received; for
//              REQUEST_RETRANSMIT: 0xFFFFFFFF, the whole transmission)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kenning::protocol {

enum class MessageType : std::uint64_t {
  Ping = 0,
  Status = 1,
  Data = 2,
  Model = 3,
  Process = 4,
  Output = 5,
  Stats = 6,
  IoSpec = 7,
  TraceData = 8,
  Optimizers = 9,
  OptimizeModel = 10,
  Runtime = 11,
  UnoptimizedModel = 12,
  Logs = 13,
};
constexpr std::uint64_t kMaxMessageType = 13;
const char* message_type_name(MessageType type);

enum class FlowControl : std::uint8_t {
  Request = 0,
  RequestRetransmit = 1,
  Acknowledge = 2,
  Transmission = 3,
};
const char* flow_control_name(FlowControl fc);

namespace flag {
constexpr std::uint16_t kSuccess = 1u << 0;
constexpr std::uint16_t kFail = 1u << 1;
constexpr std::uint16_t kIsHostMessage = 1u << 2;
constexpr std::uint16_t kHasPayload = 1u << 3;
constexpr std::uint16_t kFirst = 1u << 4;
constexpr std::uint16_t kLast = 1u << 5;
constexpr std::uint16_t kIsKenning = 1u << 6;
constexpr std::uint16_t kIsZephyr = 1u << 7;
constexpr std::uint16_t kSpec1 = 1u << 12;  // IO_SPEC: SERIALIZED; STATS request: final
}  // namespace flag

constexpr std::size_t kHeaderSize = 12;
constexpr std::uint8_t kChecksumMagic = 0x4B;
constexpr std::uint32_t kWholeTransmission = 0xFFFFFFFFu;

struct FrameHeader {
  MessageType type = MessageType::Ping;
  FlowControl flow = FlowControl::Transmission;
  std::uint16_t flags = 0;
  std::uint32_t size = 0;  // payload bytes when kHasPayload is set, else a count
  std::uint8_t checksum = 0;

  bool has(std::uint16_t f) const { return (flags & f) != 0; }
  // Bytes that follow the header.
  std::size_t payload_size() const { return has(flag::kHasPayload) ? size : 0; }
};

struct Frame {
  FrameHeader header;
  std::vector<std::byte> payload;
};

// Serialises a frame, setting HAS_PAYLOAD, the size (when there is a
// payload) and the checksum.
std::vector<std::byte> encode_frame(FrameHeader header, std::span<const std::byte> payload);
// The same, appended to `out` (no buffer of its own per frame).
void append_frame(std::vector<std::byte>& out, FrameHeader header, std::span<const std::byte> payload);

// Why a header or frame was refused.
enum class FrameError { None, UnknownType, TooLarge, BadChecksum };
const char* frame_error_text(FrameError e);

// Reads the 12 header bytes without judging them: the caller checks
// check_header() before reading the payload (its size may be a lie).
FrameHeader decode_header(std::span<const std::byte, kHeaderSize> bytes);
// Unknown type or a payload above `max_payload`; checked before allocating.
FrameError check_header(const FrameHeader& h, std::size_t max_payload);
// The XOR checksum over header and payload, as stored in byte 5.
std::uint8_t frame_checksum(std::span<const std::byte, kHeaderSize> header, std::span<const std::byte> payload);

// Decodes one complete frame from the front of `bytes` (for tests and the
// fuzzer; the transports read header and payload separately). Returns the
// frame and bytes used, or nullopt when `bytes` holds only part of a frame.
struct DecodeResult {
  Frame frame;
  std::size_t used = 0;
  FrameError error = FrameError::None;
};
std::optional<DecodeResult> decode_frame(std::span<const std::byte> bytes, std::size_t max_payload);

std::string describe(const FrameHeader& h);

}  // namespace kenning::protocol
