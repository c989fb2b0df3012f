#include "protocols/message_assembler.h"

namespace kenning::protocol {

MessageAssembler::Result MessageAssembler::add(Frame frame) {
  const FrameHeader& h = frame.header;
  Result r;
  auto fail = [&](Status status, std::string why) {
    partial_.reset();
    r.status = status;
    r.error = describe(h) + ": " + why;
    return r;
  };

  if (h.flow != FlowControl::Transmission) {
    if (partial_) {
      return fail(Status::OutOfOrder, std::string("arrived in the middle of a ") +
                                          message_type_name(partial_->type) + " transmission");
    }
    r.status = Status::Complete;
    r.message.type = h.type;
    r.message.flow = h.flow;
    r.message.flags = h.flags;
    r.message.count = h.has(flag::kHasPayload) ? 0 : h.size;
    r.message.frames = 1;
    r.message.payload = std::move(frame.payload);
    return r;
  }

  if (h.has(flag::kFirst)) {
    if (partial_) {
      return fail(Status::OutOfOrder, std::string("FIRST frame while a ") + message_type_name(partial_->type) +
                                          " transmission is still open");
    }
    partial_.emplace();
    partial_->type = h.type;
    partial_->flow = h.flow;
  } else if (!partial_) {
    return fail(Status::OutOfOrder, "continuation frame without a FIRST frame before it");
  } else if (partial_->type != h.type) {
    return fail(Status::OutOfOrder, std::string("frame of another type inside a ") +
                                        message_type_name(partial_->type) + " transmission");
  }

  Message& m = *partial_;
  if (frame.payload.size() > max_message_size_ - m.payload.size()) {
    return fail(Status::TooLarge, "message exceeds the limit of " + std::to_string(max_message_size_) + " bytes");
  }
  m.payload.insert(m.payload.end(), frame.payload.begin(), frame.payload.end());
  m.flags = h.flags;
  ++m.frames;
  if (!h.has(flag::kLast)) return r;
  r.status = Status::Complete;
  r.message = std::move(m);
  partial_.reset();
  return r;
}

}  // namespace kenning::protocol
