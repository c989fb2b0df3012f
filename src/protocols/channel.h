// Upstream Kenning's message exchange over one Transport, as upstream's
// NetworkProtocol and UARTProtocol do it (see docs/targets.md):
//  * send(): one message, REQUEST (host) or TRANSMISSION (target), cut into
//    frames of at most `packet_size` payload bytes, FIRST on the first frame
//    and LAST on the last (both on a single frame, payload or not), the
//    message's own flags on every frame; written at once.
//  * receive(): the next complete message, of any flow control.
// There are no acknowledgements and no retransmissions: upstream sends
// neither, and a positive ACKNOWLEDGE makes its target stop answering.
// Checksums are always written valid and never acted upon (upstream ignores
// them whatever `error_recovery` says); with `error_recovery` on, a
// mismatch is logged. Every wait is bounded by `timeout`, every frame and
// message by `max_message_size`; malformed framing throws ProtocolError and
// the connection is then unusable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "protocols/message_assembler.h"
#include "protocols/transport.h"

namespace kenning::protocol {

// Upstream's largest frame payloads: 1 MiB frames over TCP, 136-byte frames on a serial line.
constexpr std::size_t kMaxTcpFramePayload = 1048576 - kHeaderSize;
constexpr std::size_t kMaxUartFramePayload = 136 - kHeaderSize;

struct ChannelOptions {
  std::size_t packet_size = kMaxTcpFramePayload;  // payload bytes per frame we send
  std::size_t max_message_size = 64u << 20;       // reassembled payload bytes we accept
  std::chrono::milliseconds timeout{30000};       // per wait for the peer
  bool error_recovery = false;                    // log incoming checksum mismatches
};

// ChannelOptions from the parameters every protocol class declares.
ChannelOptions make_channel_options(std::int64_t packet_size, std::int64_t max_message_size, double timeout_s,
                                    bool error_recovery);

class Channel {
 public:
  Channel(Transport& transport, ChannelOptions options);
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Writes one message. `flags` are the message's own (SUCCESS, FAIL,
  // IS_KENNING, ...); FIRST, LAST and HAS_PAYLOAD are set per frame.
  void send(MessageType type, FlowControl flow, std::span<const std::byte> payload, std::uint16_t flags = 0);
  // Waits at most `timeout` (default: the channel's) for the next message.
  Message receive();
  Message receive(std::chrono::milliseconds timeout);

  Transport& transport() { return transport_; }
  const ChannelOptions& options() const { return options_; }

 private:
  // Reads one frame; throws ProtocolError on a header that cannot be framed.
  Frame read_frame(std::chrono::milliseconds timeout);

  Transport& transport_;
  ChannelOptions options_;
  MessageAssembler assembler_;
  std::vector<std::byte> out_;  // the frames of the message being written
};

}  // namespace kenning::protocol
