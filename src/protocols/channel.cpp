#include "channel.h"

#include <algorithm>

#include "kenning/core/error.h"
#include "server_status.h"

namespace kenning::protocol {

Channel::Channel(Transport& transport, ChannelOptions options)
    : transport_(transport), options_(options), assembler_(options.max_message_size) {
  options_.packet_size = std::max<std::size_t>(1, std::min(options_.packet_size, options_.max_message_size));
}

void Channel::write_frame(FrameHeader h, std::span<const std::byte> payload) {
  h.flags |= flag::kIsKenning;
  if (options_.is_host) h.flags |= flag::kIsHostMessage;
  transport_.write(encode_frame(h, payload), options_.timeout);
}

void Channel::write_transmission(MessageType type, std::span<const std::byte> payload, std::uint16_t flags) {
  // One buffer per transmission: a single write() keeps a small message in one TCP segment.
  std::vector<std::byte> out;
  std::size_t offset = 0;
  do {
    const std::size_t n = std::min(options_.packet_size, payload.size() - offset);
    FrameHeader h;
    h.type = type;
    h.flow = FlowControl::Transmission;
    h.flags = static_cast<std::uint16_t>(flags | flag::kIsKenning | (options_.is_host ? flag::kIsHostMessage : 0));
    if (offset == 0) h.flags |= flag::kFirst;
    if (offset + n == payload.size()) h.flags |= flag::kLast;
    const auto frame = encode_frame(h, payload.subspan(offset, n));
    out.insert(out.end(), frame.begin(), frame.end());
    offset += n;
  } while (offset < payload.size());
  transport_.write(out, options_.timeout);
}

void Channel::send(MessageType type, std::span<const std::byte> payload, std::uint16_t flags) {
  if (payload.size() > options_.max_message_size) {
    throw ProtocolError(std::string(message_type_name(type)) + ": " + std::to_string(payload.size()) +
                        " bytes exceed max_message_size " + std::to_string(options_.max_message_size));
  }
  for (int attempt = 0;; ++attempt) {
    write_transmission(type, payload, flags);
    const Message reply = receive();
    if (reply.flow == FlowControl::Acknowledge && reply.type == type) {
      if (reply.has(flag::kFail)) {
        throw ProtocolError(transport_.peer() + " refused the " + message_type_name(type) + " transmission");
      }
      return;
    }
    if (reply.flow == FlowControl::RequestRetransmit && attempt < options_.max_retransmits) continue;
    if (reply.type == MessageType::Status && reply.has(flag::kFail)) {
      throw ProtocolError(transport_.peer() + " reported an error: " + decode_status(reply.payload).error);
    }
    throw ProtocolError(transport_.peer() + ": expected an acknowledgement of " + message_type_name(type) +
                        ", got " + message_type_name(reply.type) + " " + flow_control_name(reply.flow));
  }
}

void Channel::post(MessageType type, std::span<const std::byte> payload, std::uint16_t flags) {
  write_transmission(type, payload, flags);
}

void Channel::request(MessageType type, std::uint16_t flags) {
  FrameHeader h;
  h.type = type;
  h.flow = FlowControl::Request;
  h.flags = flags;
  write_frame(h, {});
}

void Channel::acknowledge(MessageType type, bool success, std::uint32_t count) {
  FrameHeader h;
  h.type = type;
  h.flow = FlowControl::Acknowledge;
  h.flags = success ? flag::kSuccess : flag::kFail;
  h.size = count;
  write_frame(h, {});
}

Frame Channel::read_frame(std::chrono::milliseconds timeout, bool& checksum_ok) {
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
      write_frame(r, {});
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
    }
    return std::move(result.message);
  }
}

}  // namespace kenning::protocol
