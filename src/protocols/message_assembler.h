// Reassembles frames into messages. A TRANSMISSION may span several frames:
// the first carries FIRST, the last LAST (a single frame carries both).
// Requests, acknowledgements and retransmit requests are one frame each.
// Everything is bounded: a message larger than `max_message_size` or a frame
// arriving out of order is refused before anything more is stored.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "protocols/frame.h"

namespace kenning::protocol {

struct Message {
  MessageType type = MessageType::Ping;
  FlowControl flow = FlowControl::Transmission;
  std::uint16_t flags = 0;     // of the last frame (SUCCESS/FAIL are set there)
  std::uint32_t count = 0;     // size field of a payload-less frame (ACK: frames received)
  std::uint32_t frames = 0;    // frames the message took
  std::vector<std::byte> payload;

  bool has(std::uint16_t f) const { return (flags & f) != 0; }
};

class MessageAssembler {
 public:
  explicit MessageAssembler(std::size_t max_message_size) : max_message_size_(max_message_size) {}

  enum class Status { Incomplete, Complete, OutOfOrder, TooLarge };
  struct Result {
    Status status = Status::Incomplete;
    Message message;    // set when Complete
    std::string error;  // set on OutOfOrder/TooLarge, naming the frame
  };

  // Takes one frame whose header and checksum were already checked. After an
  // error the partial message is dropped; the next frame starts afresh.
  Result add(Frame frame);
  // Drops a partial transmission (after a bad checksum, before a retransmit).
  void reset() { partial_.reset(); }
  bool in_progress() const { return partial_.has_value(); }

 private:
  std::size_t max_message_size_;
  std::optional<Message> partial_;
};

}  // namespace kenning::protocol
