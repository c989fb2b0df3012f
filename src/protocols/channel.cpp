#include "protocols/channel.h"

#include <algorithm>

#include "kenning/core/error.h"
#include "protocols/server_status.h"

namespace kenning::protocol {

ChannelOptions make_channel_options(std::int64_t packet_size, std::int64_t max_message_size, double timeout_s,
                                    bool error_recovery, bool is_host) {
  ChannelOptions o;
  o.packet_size = static_cast<std::size_t>(packet_size);
  o.max_message_size = static_cast<std::size_t>(max_message_size);
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  o.error_recovery = error_recovery;
  o.is_host = is_host;
  return o;
}

Channel::Channel(Transport& transport, ChannelOptions options)
    : transport_(transport), options_(options), assembler_(options.max_message_size) {
  options_.packet_size = std::max<std::size_t>(1, std::min(options_.packet_size, options_.max_message_size));
}

Channel::~Channel() {
  try {
    flush();
  } catch (const std::exception&) {
    // The link is gone; nothing is waiting for these frames.
  }
}

void Channel::queue_frame(FrameHeader h, std::span<const std::byte> payload) {
  h.flags |= flag::kIsKenning;
  if (options_.is_host) h.flags |= flag::kIsHostMessage;
  append_frame(out_, h, payload);
}

void Channel::queue_transmission(MessageType type, std::span<const std::byte> payload, std::uint16_t flags) {
  // Room for every frame up front: growing the buffer frame by frame would
  // copy a large payload several times over.
  const std::size_t frames = std::max<std::size_t>(1, (payload.size() + options_.packet_size - 1) / options_.packet_size);
  out_.reserve(out_.size() + std::min(payload.size() + frames * kHeaderSize, kFlushSize + options_.packet_size + kHeaderSize));
  std::size_t offset = 0;
  do {
    const std::size_t n = std::min(options_.packet_size, payload.size() - offset);
    FrameHeader h;
    h.type = type;
    h.flow = FlowControl::Transmission;
    h.flags = flags;
    if (offset == 0) h.flags |= flag::kFirst;
    if (offset + n == payload.size()) h.flags |= flag::kLast;
    queue_frame(h, payload.subspan(offset, n));
    offset += n;
    // Large payloads go out as they are cut, not as one second copy.
    if (out_.size() >= kFlushSize) flush();
  } while (offset < payload.size());
}

void Channel::flush() {
  if (out_.empty()) return;
  // Cleared whatever happens (after a failed write the link is unusable),
  // keeping the buffer's capacity for the next message.
  struct Clear {
    std::vector<std::byte>& v;
    ~Clear() { v.clear(); }
  } clear{out_};
  transport_.write(out_, options_.timeout);
}

std::uint64_t Channel::send_async(MessageType type, std::vector<std::byte>&& payload, std::uint16_t flags) {
  const auto ticket = send_async(type, std::span<const std::byte>(payload), flags, /*borrowed=*/true);
  // The entry just queued (the newest) keeps the bytes: moving a vector keeps
  // its buffer, so the span it was queued with stays valid.
  outstanding_.back().owned = std::move(payload);
  return ticket;
}

std::uint64_t Channel::send_async(MessageType type, std::span<const std::byte> payload, std::uint16_t flags,
                                  bool borrowed) {
  if (payload.size() > options_.max_message_size) {
    throw ProtocolError(std::string(message_type_name(type)) + ": " + std::to_string(payload.size()) +
                        " bytes exceed max_message_size " + std::to_string(options_.max_message_size));
  }
  // Bounded: a peer that never acknowledges stalls us here, not our memory.
  if (outstanding_.size() >= kMaxInFlight) wait_acknowledged(outstanding_.front().ticket);
  Outstanding o;
  o.ticket = next_ticket_++;
  o.type = type;
  o.flags = flags;
  if (borrowed) {
    o.payload = payload;
  } else {
    o.owned.assign(payload.begin(), payload.end());
    o.payload = o.owned;
  }
  queue_transmission(type, o.payload, flags);
  outstanding_.push_back(std::move(o));
  return outstanding_.back().ticket;
}

bool Channel::is_outstanding(std::uint64_t ticket) const {
  return std::any_of(outstanding_.begin(), outstanding_.end(),
                     [&](const Outstanding& o) { return o.ticket == ticket; });
}

void Channel::wait_acknowledged(std::uint64_t ticket) {
  while (is_outstanding(ticket)) {
    Message m = read_message(options_.timeout);
    if (settle(m)) continue;
    // A peer that answers with an error instead of an acknowledgement has given up on the session.
    if (m.type == MessageType::Status && m.has(flag::kFail)) {
      throw ProtocolError(transport_.peer() + " reported an error: " + decode_status(m.payload).error);
    }
    if (held_.size() >= kMaxInFlight) {
      throw ProtocolError(transport_.peer() + ": " + std::to_string(held_.size()) +
                          " messages arrived while waiting for an acknowledgement");
    }
    held_.push_back(std::move(m));
  }
}

bool Channel::settle(const Message& m) {
  if (m.flow != FlowControl::Acknowledge && m.flow != FlowControl::RequestRetransmit) return false;
  const auto it = std::find_if(outstanding_.begin(), outstanding_.end(),
                               [&](const Outstanding& o) { return o.type == m.type; });
  if (it == outstanding_.end()) return false;
  if (m.flow == FlowControl::Acknowledge) {
    const bool refused = m.has(flag::kFail);
    outstanding_.erase(it);
    if (refused) throw ProtocolError(transport_.peer() + " refused the " + message_type_name(m.type) + " transmission");
    return true;
  }
  if (++it->retransmits > options_.max_retransmits) {
    throw ProtocolError(transport_.peer() + ": " + message_type_name(m.type) + " still damaged after " +
                        std::to_string(options_.max_retransmits) + " retransmissions");
  }
  queue_transmission(it->type, it->payload, it->flags);
  return true;
}

void Channel::send(MessageType type, std::span<const std::byte> payload, std::uint16_t flags) {
  wait_acknowledged(send_async(type, payload, flags, /*borrowed=*/true));
}

void Channel::post(MessageType type, std::span<const std::byte> payload, std::uint16_t flags) {
  queue_transmission(type, payload, flags);
  flush();
}

void Channel::request(MessageType type, std::uint16_t flags, std::uint32_t count) {
  FrameHeader h;
  h.type = type;
  h.flow = FlowControl::Request;
  h.flags = flags;
  h.size = count;
  queue_frame(h, {});
}

void Channel::acknowledge(MessageType type, bool success, std::uint32_t count) {
  FrameHeader h;
  h.type = type;
  h.flow = FlowControl::Acknowledge;
  h.flags = success ? flag::kSuccess : flag::kFail;
  h.size = count;
  queue_frame(h, {});
}

Frame Channel::read_frame(std::chrono::milliseconds timeout, bool& checksum_ok) {
  flush();  // the peer may be waiting for what we buffered
  std::array<std::byte, kHeaderSize> header_bytes;
  transport_.read(header_bytes, timeout);
  Frame frame;
  frame.header = decode_header(header_bytes);
  const FrameError error = check_header(frame.header, options_.max_message_size);
  if (error != FrameError::None) {
    throw ProtocolError(transport_.peer() + ": " + describe(frame.header) + ": " + frame_error_text(error));
  }
  frame.payload.resize(frame.header.payload_size());
  // Once a header arrived the rest of the frame follows at once.
  if (!frame.payload.empty()) transport_.read(frame.payload, options_.timeout);
  checksum_ok = frame_checksum(header_bytes, frame.payload) == frame.header.checksum;
  return frame;
}

Message Channel::receive() { return receive(options_.timeout); }

Message Channel::receive(std::chrono::milliseconds timeout) {
  if (!held_.empty()) {
    Message m = std::move(held_.front());
    held_.pop_front();
    return m;
  }
  for (;;) {
    Message m = read_message(timeout);
    if (!settle(m)) return m;
  }
}

Message Channel::read_message(std::chrono::milliseconds timeout) {
  int bad_checksums = 0;
  bool resyncing = false;  // after asking for a resend, skip the rest of the broken transmission
  for (;;) {
    bool checksum_ok = true;
    Frame frame = read_frame(assembler_.in_progress() ? options_.timeout : timeout, checksum_ok);
    const FrameHeader h = frame.header;
    if (!checksum_ok) {
      if (!options_.error_recovery || ++bad_checksums > options_.max_retransmits) {
        throw ProtocolError(transport_.peer() + ": " + describe(h) + ": bad checksum");
      }
      assembler_.reset();
      resyncing = h.flow == FlowControl::Transmission && !h.has(flag::kLast);
      FrameHeader r;
      r.type = h.type;
      r.flow = FlowControl::RequestRetransmit;
      r.size = kWholeTransmission;
      queue_frame(r, {});
      continue;
    }
    if (resyncing) {
      if (h.flow == FlowControl::Transmission && !h.has(flag::kFirst)) {
        if (h.has(flag::kLast)) resyncing = false;
        continue;
      }
      resyncing = false;
    }
    auto result = assembler_.add(std::move(frame));
    switch (result.status) {
      case MessageAssembler::Status::Incomplete: continue;
      case MessageAssembler::Status::OutOfOrder:
      case MessageAssembler::Status::TooLarge:
        throw ProtocolError(transport_.peer() + ": " + result.error);
      case MessageAssembler::Status::Complete: break;
    }
    if (result.message.flow == FlowControl::Transmission) {
      acknowledge(result.message.type, true, result.message.frames);
      // At once: a peer that waits for it may wait while we work on the message.
      flush();
    }
    return std::move(result.message);
  }
}

}  // namespace kenning::protocol
