// Upstream Kenning's message exchange over one Transport:
//  * send(): a TRANSMISSION, cut into frames of at most `packet_size`
//    payload bytes (FIRST on the first, LAST on the last), then waits for the
//    receiver's ACKNOWLEDGE; REQUEST_RETRANSMIT sends it all again (bounded).
//  * receive(): the next complete message; a received TRANSMISSION is
//    acknowledged before it is returned.
//  * request()/acknowledge(): single payload-less frames.
// Every wait is bounded by `timeout`, every message by `max_message_size`.
// Malformed input throws ProtocolError; the connection is then unusable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "message_assembler.h"
#include "transport.h"

namespace kenning::protocol {

struct ChannelOptions {
  std::size_t packet_size = 4096;               // payload bytes per frame
  std::size_t max_message_size = 64u << 20;     // reassembled payload bytes
  std::chrono::milliseconds timeout{30000};     // per wait for the peer
  bool error_recovery = false;                  // bad checksum: ask to resend (else fail)
  int max_retransmits = 3;
  bool is_host = true;                          // sets IS_HOST_MESSAGE on what we send
};

class Channel {
 public:
  Channel(Transport& transport, ChannelOptions options);

  void send(MessageType type, std::span<const std::byte> payload, std::uint16_t flags = 0);
  // Writes a transmission without waiting for its acknowledgement: last
  // words (an error STATUS) before closing a link that may be broken.
  void post(MessageType type, std::span<const std::byte> payload, std::uint16_t flags = 0);
  void request(MessageType type, std::uint16_t flags = 0);
  void acknowledge(MessageType type, bool success, std::uint32_t count);
  // Waits at most `timeout` (default: the channel's) for the next message.
  Message receive();
  Message receive(std::chrono::milliseconds timeout);

  Transport& transport() { return transport_; }
  const ChannelOptions& options() const { return options_; }

 private:
  void write_frame(FrameHeader h, std::span<const std::byte> payload);
  void write_transmission(MessageType type, std::span<const std::byte> payload, std::uint16_t flags);
  // Reads one frame; throws ProtocolError on a bad header. Bad checksums are
  // reported through `checksum_ok` so receive() can ask for a resend.
  Frame read_frame(std::chrono::milliseconds timeout, bool& checksum_ok);

  Transport& transport_;
  ChannelOptions options_;
  MessageAssembler assembler_;
};

}  // namespace kenning::protocol
