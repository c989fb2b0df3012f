// Reassembles frames into messages. Any message (request, transmission)
// may span several frames: the first carries FIRST, the last LAST, a single
// frame both; the message's flags are those of its FIRST frame.
// Acknowledgements and retransmit requests are one frame each. A LOGS frame
// (FIRST and LAST) may arrive between the frames of another message.
// A message whose first frame lacks FIRST is read up to its LAST frame and
// handed over with `defect` set, so the reader can refuse it and go on, as
// upstream's target goes on. Everything is bounded: a message larger than
// `max_message_size`, or frames of two messages interleaved, are refused
// before anything more is stored.
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
  std::uint16_t flags = 0;   // of the FIRST frame (SUCCESS, FAIL, IS_KENNING, ...)
  std::uint32_t frames = 0;  // frames the message took
  std::vector<std::byte> payload;
  std::string defect;  // non-empty: malformed (e.g. no FIRST frame); payload then empty

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

  // Takes one frame whose header was already checked. After an error the
  // partial message is dropped; the next frame starts afresh.
  Result add(Frame frame);
  void reset() {
    partial_.reset();
    skipping_.reset();
  }
  bool in_progress() const { return partial_.has_value() || skipping_.has_value(); }

 private:
  std::size_t max_message_size_;
  std::optional<Message> partial_;
  std::optional<Message> skipping_;  // a message without FIRST, dropped up to its LAST frame
};

}  // namespace kenning::protocol
