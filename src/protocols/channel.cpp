#include "protocols/channel.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"

namespace kenning::protocol {

ChannelOptions make_channel_options(std::int64_t packet_size, std::int64_t max_message_size, double timeout_s,
                                    bool error_recovery) {
  ChannelOptions o;
  o.packet_size = static_cast<std::size_t>(packet_size);
  o.max_message_size = static_cast<std::size_t>(max_message_size);
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  o.error_recovery = error_recovery;
  return o;
}

Channel::Channel(Transport& transport, ChannelOptions options)
    : transport_(transport), options_(options), assembler_(options.max_message_size) {
  options_.packet_size = std::max<std::size_t>(1, std::min(options_.packet_size, options_.max_message_size));
}

void Channel::send(MessageType type, FlowControl flow, std::span<const std::byte> payload, std::uint16_t flags) {
  if (payload.size() > options_.max_message_size) {
    throw ProtocolError(std::string(message_type_name(type)) + ": " + std::to_string(payload.size()) +
                        " bytes exceed max_message_size " + std::to_string(options_.max_message_size));
  }
  // Large payloads go out a frame at a time rather than as one second copy.
  constexpr std::size_t kWriteChunk = std::size_t{1} << 20;
  flags &= static_cast<std::uint16_t>(~(flag::kFirst | flag::kLast | flag::kHasPayload));
  std::size_t offset = 0;
  do {
    const std::size_t n = std::min(options_.packet_size, payload.size() - offset);
    FrameHeader h;
    h.type = type;
    h.flow = flow;
    h.flags = flags;
    if (offset == 0) h.flags |= flag::kFirst;
    if (offset + n == payload.size()) h.flags |= flag::kLast;
    append_frame(out_, h, payload.subspan(offset, n));
    offset += n;
    if (out_.size() >= kWriteChunk || offset == payload.size()) {
      struct Clear {  // cleared whatever happens: after a failed write the link is unusable
        std::vector<std::byte>& v;
        ~Clear() { v.clear(); }
      } clear{out_};
      transport_.write(out_, options_.timeout);
    }
  } while (offset < payload.size());
}

Frame Channel::read_frame(std::chrono::milliseconds timeout) {
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
  if (options_.error_recovery && frame_checksum(header_bytes, frame.payload) != frame.header.checksum) {
    // Upstream processes such frames as they are; so do we, and say so.
    spdlog::warn("{}: {}: checksum 0x{:02x} does not match the frame", transport_.peer(), describe(frame.header),
                 frame.header.checksum);
  }
  return frame;
}

Message Channel::receive() { return receive(options_.timeout); }

Message Channel::receive(std::chrono::milliseconds timeout) {
  for (;;) {
    Frame frame = read_frame(assembler_.in_progress() ? options_.timeout : timeout);
    auto result = assembler_.add(std::move(frame));
    switch (result.status) {
      case MessageAssembler::Status::Incomplete:
        continue;
      case MessageAssembler::Status::OutOfOrder:
      case MessageAssembler::Status::TooLarge:
        throw ProtocolError(transport_.peer() + ": " + result.error);
      case MessageAssembler::Status::Complete:
        return std::move(result.message);
    }
  }
}

}  // namespace kenning::protocol
