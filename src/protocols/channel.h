// Upstream Kenning's message exchange over one Transport:
//  * send(): a TRANSMISSION, cut into frames of at most `packet_size`
//    payload bytes (FIRST on the first, LAST on the last), then waits for the
//    receiver's ACKNOWLEDGE; REQUEST_RETRANSMIT sends it all again (bounded).
//  * send_async(): the same without waiting: the acknowledgement is settled
//    by whichever later call reads it. Replies and pipelined requests then
//    cost one wait instead of one per message (see ClientSession::infer).
//  * receive(): the next complete message; a received TRANSMISSION is
//    acknowledged before it is returned. Acknowledgements and retransmit
//    requests of our own outstanding transmissions never reach the caller.
//  * request()/acknowledge(): single payload-less frames.
// Outgoing frames are buffered and written in one go before the next wait
// for the peer, on flush(), or (acknowledgements) as soon as a transmission
// is complete, so pipelined requests leave in one write. Every wait is bounded by `timeout`, every message by
// `max_message_size`, the transmissions awaiting acknowledgement and the
// messages held back while waiting by kMaxInFlight. Malformed input throws
// ProtocolError; the connection is then unusable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>

#include "protocols/message_assembler.h"
#include "protocols/transport.h"

namespace kenning::protocol {

struct ChannelOptions {
  std::size_t packet_size = 4096;               // payload bytes per frame
  std::size_t max_message_size = 64u << 20;     // reassembled payload bytes
  std::chrono::milliseconds timeout{30000};     // per wait for the peer
  bool error_recovery = false;                  // bad checksum: ask to resend (else fail)
  int max_retransmits = 3;
  bool is_host = true;                          // sets IS_HOST_MESSAGE on what we send
};

// ChannelOptions from the parameters every protocol class declares.
ChannelOptions make_channel_options(std::int64_t packet_size, std::int64_t max_message_size, double timeout_s,
                                    bool error_recovery, bool is_host);

class Channel {
 public:
  // Transmissions awaiting acknowledgement, and messages held back while
  // waiting for one, beyond which the peer is taken to misbehave.
  static constexpr std::size_t kMaxInFlight = 32;
  // Buffered bytes that are written out even in the middle of a transmission.
  static constexpr std::size_t kFlushSize = std::size_t{1} << 20;

  Channel(Transport& transport, ChannelOptions options);
  // Writes what is still buffered, when the link allows.
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  void send(MessageType type, std::span<const std::byte> payload, std::uint16_t flags = 0);
  // Sends without waiting for the acknowledgement and returns a ticket for
  // wait_acknowledged(). Copies the payload unless `borrowed`: then the
  // caller keeps it alive until wait_acknowledged(ticket) returns.
  std::uint64_t send_async(MessageType type, std::span<const std::byte> payload, std::uint16_t flags = 0,
                           bool borrowed = false);
  // Takes the payload over instead of copying it.
  std::uint64_t send_async(MessageType type, std::vector<std::byte>&& payload, std::uint16_t flags = 0);
  void wait_acknowledged(std::uint64_t ticket);
  // Writes a transmission without waiting for its acknowledgement: last
  // words (an error STATUS) before closing a link that may be broken.
  void post(MessageType type, std::span<const std::byte> payload, std::uint16_t flags = 0);
  void request(MessageType type, std::uint16_t flags = 0, std::uint32_t count = 0);
  void acknowledge(MessageType type, bool success, std::uint32_t count);
  // Waits at most `timeout` (default: the channel's) for the next message.
  Message receive();
  Message receive(std::chrono::milliseconds timeout);
  // Writes the buffered frames now.
  void flush();

  Transport& transport() { return transport_; }
  const ChannelOptions& options() const { return options_; }

 private:
  struct Outstanding {
    std::uint64_t ticket = 0;
    MessageType type = MessageType::Ping;
    std::uint16_t flags = 0;
    std::vector<std::byte> owned;        // the payload, when copied
    std::span<const std::byte> payload;  // into `owned` or the caller's buffer
    int retransmits = 0;
  };

  void queue_frame(FrameHeader h, std::span<const std::byte> payload);
  void queue_transmission(MessageType type, std::span<const std::byte> payload, std::uint16_t flags);
  // Reads one frame; throws ProtocolError on a bad header. Bad checksums are
  // reported through `checksum_ok` so receive() can ask for a resend.
  Frame read_frame(std::chrono::milliseconds timeout, bool& checksum_ok);
  // The next message from the wire, acknowledged when it is a transmission.
  Message read_message(std::chrono::milliseconds timeout);
  // Acts on an acknowledgement or retransmit request of an outstanding
  // transmission; false when `m` is for the caller.
  bool settle(const Message& m);
  bool is_outstanding(std::uint64_t ticket) const;

  Transport& transport_;
  ChannelOptions options_;
  MessageAssembler assembler_;
  std::vector<std::byte> out_;          // frames not yet written
  std::deque<Outstanding> outstanding_;  // oldest first
  std::deque<Message> held_;             // read while waiting for an acknowledgement
  std::uint64_t next_ticket_ = 1;
};

}  // namespace kenning::protocol
