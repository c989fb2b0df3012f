// Channel: messages cut into frames with FIRST/LAST (requests included),
// no acknowledgements, checksums written but never acted upon, frames
// without FIRST handed over as defects, LOGS between the frames of another
// message, over the in-memory pipe. What every transport must do for a
// channel (round trips, size bound, split and garbled frames, a peer that
// goes away, timeouts) is in test_transport_conformance.cpp.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "protocols/channel.h"
#include "protocols/memory_transport.h"

using namespace kenning::protocol;
using namespace std::chrono_literals;

namespace {

ChannelOptions small_packets(bool recovery = false) {
  ChannelOptions o;
  o.packet_size = 16;
  o.max_message_size = 1000;
  o.timeout = 2000ms;
  o.error_recovery = recovery;
  return o;
}

std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(i * 7 + 3);
  return v;
}

// The frames on the wire, header by header.
std::vector<FrameHeader> read_headers(Transport& t, std::size_t n) {
  std::vector<FrameHeader> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<std::byte, kHeaderSize> hb;
    t.read(hb, 2s);
    out.push_back(decode_header(hb));
    std::vector<std::byte> p(out.back().payload_size());
    if (!p.empty()) t.read(p, 2s);
    EXPECT_EQ(frame_checksum(hb, p), out.back().checksum) << "every frame written has a valid checksum";
  }
  return out;
}

}  // namespace

TEST(ProtocolChannel, SendsARequestInFramesFromFirstToLastWithoutWaiting) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  sender.send(MessageType::Data, FlowControl::Request, pattern(40));  // returns at once: nothing to wait for
  const auto frames = read_headers(*b, 3);
  EXPECT_EQ(frames[0].flags, flag::kHasPayload | flag::kFirst);
  EXPECT_EQ(frames[1].flags, flag::kHasPayload);
  EXPECT_EQ(frames[2].flags, flag::kHasPayload | flag::kLast);
  EXPECT_EQ(frames[2].size, 8u);
  for (const auto& h : frames) EXPECT_EQ(h.flow, FlowControl::Request);
}

TEST(ProtocolChannel, PayloadLessMessagesCarryFirstAndLast) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  sender.send(MessageType::Process, FlowControl::Request, {});
  const auto h = read_headers(*b, 1)[0];
  EXPECT_EQ(h.flags, flag::kFirst | flag::kLast) << "upstream's PROCESS request is exactly 0x0030";
  EXPECT_EQ(h.size, 0u);
}

TEST(ProtocolChannel, ReassemblesAMessageWithTheFlagsOfItsFirstFrame) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  Channel receiver(*b, small_packets());
  sender.send(MessageType::Output, FlowControl::Transmission, pattern(100), flag::kSuccess | flag::kIsKenning);
  const Message m = receiver.receive();
  EXPECT_EQ(m.type, MessageType::Output);
  EXPECT_EQ(m.flow, FlowControl::Transmission);
  EXPECT_EQ(m.payload, pattern(100));
  EXPECT_EQ(m.frames, 7u) << "100 bytes in 16-byte packets";
  EXPECT_TRUE(m.has(flag::kSuccess) && m.has(flag::kIsKenning));
  EXPECT_TRUE(m.defect.empty());
}

TEST(ProtocolChannel, ChecksumsAreNeverActedUpon) {
  for (const bool recovery : {false, true}) {
    auto [a, b] = make_memory_pipe();
    Channel receiver(*b, small_packets(recovery));
    FrameHeader h;
    h.type = MessageType::Data;
    h.flow = FlowControl::Request;
    h.flags = flag::kFirst | flag::kLast;
    auto zero = encode_frame(h, pattern(8));
    zero[5] = std::byte{0};  // upstream's default: no checksum computed
    auto wrong = encode_frame(h, pattern(8));
    wrong[5] ^= std::byte{0x10};
    a->write(zero, 1s);
    a->write(wrong, 1s);
    EXPECT_EQ(receiver.receive().payload, pattern(8)) << "recovery " << recovery;
    EXPECT_EQ(receiver.receive().payload, pattern(8)) << "recovery " << recovery;
  }
}

TEST(ProtocolChannel, AMessageWithoutFirstIsHandedOverAsADefectAndTheNextOneIsRead) {
  auto [a, b] = make_memory_pipe();
  Channel receiver(*b, small_packets());
  FrameHeader h;
  h.type = MessageType::IoSpec;
  h.flow = FlowControl::Request;
  h.flags = 0;
  a->write(encode_frame(h, pattern(10)), 1s);  // neither FIRST nor LAST
  h.flags = flag::kLast;
  a->write(encode_frame(h, pattern(10)), 1s);
  h.flags = flag::kFirst | flag::kLast;
  a->write(encode_frame(h, pattern(3)), 1s);
  const Message bad = receiver.receive();
  EXPECT_EQ(bad.type, MessageType::IoSpec);
  EXPECT_NE(bad.defect.find("FIRST"), std::string::npos) << bad.defect;
  EXPECT_EQ(bad.frames, 2u);
  const Message good = receiver.receive();
  EXPECT_TRUE(good.defect.empty());
  EXPECT_EQ(good.payload, pattern(3));
}

TEST(ProtocolChannel, LogsMayArriveBetweenTheFramesOfAReply) {
  auto [a, b] = make_memory_pipe();
  Channel receiver(*b, small_packets());
  FrameHeader h;
  h.type = MessageType::Output;
  h.flags = flag::kFirst | flag::kSuccess;
  a->write(encode_frame(h, pattern(16)), 1s);
  FrameHeader logs;
  logs.type = MessageType::Logs;
  logs.flags = flag::kFirst | flag::kLast | flag::kIsKenning;
  a->write(encode_frame(logs, pattern(5)), 1s);
  h.flags = flag::kLast | flag::kSuccess;
  a->write(encode_frame(h, pattern(4)), 1s);
  EXPECT_EQ(receiver.receive().type, MessageType::Logs);
  const Message reply = receiver.receive();
  EXPECT_EQ(reply.type, MessageType::Output);
  EXPECT_EQ(reply.payload.size(), 20u);
}

TEST(ProtocolChannel, InterleavedMessagesAndOversizedOnesEndTheChannel) {
  auto [a, b] = make_memory_pipe();
  Channel receiver(*b, small_packets());
  FrameHeader h;
  h.type = MessageType::Data;
  h.flow = FlowControl::Request;
  h.flags = flag::kFirst;
  a->write(encode_frame(h, pattern(10)), 1s);
  h.type = MessageType::Model;
  h.flags = flag::kLast;
  a->write(encode_frame(h, pattern(10)), 1s);
  EXPECT_THROW(receiver.receive(), kenning::ProtocolError);

  auto [c, d] = make_memory_pipe();
  Channel small(*d, small_packets());
  Channel sender(*c, small_packets());
  EXPECT_THROW(sender.send(MessageType::Model, FlowControl::Request, pattern(1001)), kenning::ProtocolError)
      << "above max_message_size: refused before anything is written";
}
