#include "protocols/message_assembler.h"

namespace kenning::protocol {

namespace {

bool single_frame(FlowControl flow) {
  return flow == FlowControl::Acknowledge || flow == FlowControl::RequestRetransmit;
}

}  // namespace

MessageAssembler::Result MessageAssembler::add(Frame frame) {
  const FrameHeader& h = frame.header;
  Result r;
  auto fail = [&](Status status, std::string why) {
    reset();
    r.status = status;
    r.error = describe(h) + ": " + why;
    return r;
  };
  auto complete = [&](Message m) {
    r.status = Status::Complete;
    r.message = std::move(m);
    return r;
  };

  if (single_frame(h.flow) || (h.type == MessageType::Logs && h.has(flag::kFirst) && h.has(flag::kLast))) {
    Message m;
    m.type = h.type;
    m.flow = h.flow;
    m.flags = h.flags;
    m.frames = 1;
    m.payload = std::move(frame.payload);
    // Unrelated to an open message (LOGS come whenever the target has some).
    return complete(std::move(m));
  }

  if (skipping_ && !h.has(flag::kFirst)) {
    if (skipping_->type != h.type || skipping_->flow != h.flow) {
      return fail(Status::OutOfOrder, std::string("frame of another type after a ") +
                                          message_type_name(skipping_->type) + " frame without FIRST");
    }
    ++skipping_->frames;
    if (!h.has(flag::kLast)) return r;
    Message m = std::move(*skipping_);
    skipping_.reset();
    return complete(std::move(m));
  }
  skipping_.reset();

  if (h.has(flag::kFirst)) {
    if (partial_) {
      return fail(Status::OutOfOrder,
                  std::string("FIRST frame while a ") + message_type_name(partial_->type) + " message is still open");
    }
    partial_.emplace();
    partial_->type = h.type;
    partial_->flow = h.flow;
    partial_->flags = h.flags;
  } else if (!partial_) {
    Message m;
    m.type = h.type;
    m.flow = h.flow;
    m.flags = h.flags;
    m.frames = 1;
    m.defect = describe(h) + ": the first frame of a message lacks the FIRST flag";
    if (h.has(flag::kLast)) return complete(std::move(m));
    skipping_ = std::move(m);
    return r;
  } else if (partial_->type != h.type || partial_->flow != h.flow) {
    return fail(Status::OutOfOrder,
                std::string("frame of another type inside a ") + message_type_name(partial_->type) + " message");
  }

  Message& m = *partial_;
  if (frame.payload.size() > max_message_size_ - m.payload.size()) {
    return fail(Status::TooLarge, "message exceeds the limit of " + std::to_string(max_message_size_) + " bytes");
  }
  m.payload.insert(m.payload.end(), frame.payload.begin(), frame.payload.end());
  ++m.frames;
  if (!h.has(flag::kLast)) return r;
  Message done = std::move(m);
  partial_.reset();
  return complete(std::move(done));
}

}  // namespace kenning::protocol
