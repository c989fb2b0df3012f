// Channel: chunked transmissions with acknowledgements, resend on a bad
// checksum, pipelined sends, over the in-memory pipe. What every transport
// must do for a channel (round trips, size bound, split and garbled frames,
// a peer that goes away, timeouts) is in test_transport_conformance.cpp.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "protocols/channel.h"
#include "kenning/core/error.h"
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

}  // namespace

TEST(ProtocolChannel, SendsChunkedTransmissionAndGetsItAcknowledged) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  Channel receiver(*b, small_packets());
  const auto payload = pattern(100);
  auto received = std::async(std::launch::async, [&] { return receiver.receive(); });
  sender.send(MessageType::Data, payload);  // returns only once acknowledged
  const Message m = received.get();
  EXPECT_EQ(m.type, MessageType::Data);
  EXPECT_EQ(m.payload, payload);
  EXPECT_EQ(m.frames, 7u) << "100 bytes in 16-byte packets";
  EXPECT_TRUE(m.has(flag::kIsHostMessage));
}

TEST(ProtocolChannel, EmptyTransmissionIsOneFrame) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  Channel receiver(*b, small_packets());
  auto received = std::async(std::launch::async, [&] { return receiver.receive(); });
  sender.send(MessageType::Ping, {});
  const Message m = received.get();
  EXPECT_EQ(m.type, MessageType::Ping);
  EXPECT_EQ(m.frames, 1u);
  EXPECT_TRUE(m.payload.empty());
}

TEST(ProtocolChannel, BadChecksumAsksForResendWhenRecoveryIsOn) {
  auto [a, b] = make_memory_pipe();
  Channel receiver(*b, small_packets(true));
  auto received = std::async(std::launch::async, [&] { return receiver.receive(); });
  // A corrupted single-frame transmission, as a noisy line would deliver it.
  FrameHeader h;
  h.type = MessageType::Data;
  h.flags = flag::kFirst | flag::kLast;
  auto bad = encode_frame(h, pattern(8));
  bad[kHeaderSize + 2] ^= std::byte{0xFF};
  a->write(bad, 1s);
  std::array<std::byte, kHeaderSize> reply;
  a->read(reply, 2s);
  const auto r = decode_header(reply);
  EXPECT_EQ(r.flow, FlowControl::RequestRetransmit);
  EXPECT_EQ(r.size, kWholeTransmission);
  // The resend goes through and is acknowledged.
  a->write(encode_frame(h, pattern(8)), 1s);
  a->read(reply, 2s);
  EXPECT_EQ(decode_header(reply).flow, FlowControl::Acknowledge);
  EXPECT_EQ(received.get().payload, pattern(8));
}

TEST(ProtocolChannel, BadChecksumFailsWithoutRecovery) {
  auto [a, b] = make_memory_pipe();
  Channel receiver(*b, small_packets(false));
  FrameHeader h;
  auto bad = encode_frame(h, pattern(4));
  bad[5] ^= std::byte{0x10};
  a->write(bad, 1s);
  try {
    receiver.receive();
    FAIL() << "a bad checksum was accepted";
  } catch (const kenning::ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("bad checksum"), std::string::npos) << e.what();
  }
}

TEST(ProtocolChannel, SenderResendsOnRetransmitRequest) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  auto done = std::async(std::launch::async, [&] { sender.send(MessageType::Model, pattern(40)); });
  // Read the three frames, ask for a resend, then acknowledge the second copy.
  auto drain = [&] {
    std::size_t frames = 0;
    for (;;) {
      std::array<std::byte, kHeaderSize> hb;
      b->read(hb, 2s);
      const auto h = decode_header(hb);
      std::vector<std::byte> p(h.payload_size());
      if (!p.empty()) b->read(p, 2s);
      ++frames;
      if (h.has(flag::kLast)) return frames;
    }
  };
  EXPECT_EQ(drain(), 3u);
  FrameHeader r;
  r.type = MessageType::Model;
  r.flow = FlowControl::RequestRetransmit;
  r.size = kWholeTransmission;
  b->write(encode_frame(r, {}), 1s);
  EXPECT_EQ(drain(), 3u);
  r.flow = FlowControl::Acknowledge;
  r.flags = flag::kSuccess;
  r.size = 3;
  b->write(encode_frame(r, {}), 1s);
  done.get();
}

TEST(ProtocolChannel, UnacknowledgedSendsAreSettledByLaterReads) {
  auto [a, b] = make_memory_pipe();
  Channel sender(*a, small_packets());
  Channel receiver(*b, small_packets());
  // Three transmissions and a request leave before anything is read back.
  const auto first = sender.send_async(MessageType::Status, pattern(40));
  sender.send_async(MessageType::Status, pattern(3));
  const auto third = sender.send_async(MessageType::Output, pattern(100));
  sender.request(MessageType::Stats);
  sender.flush();
  EXPECT_EQ(receiver.receive().payload, pattern(40));
  EXPECT_EQ(receiver.receive().payload, pattern(3));
  EXPECT_EQ(receiver.receive().payload, pattern(100));
  EXPECT_EQ(receiver.receive().type, MessageType::Stats);
  // The receiver's reply comes after its acknowledgements: waiting for the
  // third acknowledgement keeps the reply for receive().
  receiver.send_async(MessageType::Stats, pattern(5));
  receiver.flush();
  sender.wait_acknowledged(third);
  sender.wait_acknowledged(first);  // settled already
  const Message reply = sender.receive();
  EXPECT_EQ(reply.type, MessageType::Stats);
  EXPECT_EQ(reply.payload, pattern(5));
}

TEST(ProtocolChannel, APeerThatNeverAcknowledgesStallsTheSenderNotItsMemory) {
  auto [a, b] = make_memory_pipe();
  ChannelOptions o = small_packets();
  o.timeout = 300ms;
  Channel sender(*a, o);
  for (std::size_t i = 0; i < Channel::kMaxInFlight; ++i) sender.send_async(MessageType::Status, pattern(4));
  EXPECT_THROW(sender.send_async(MessageType::Status, pattern(4)), kenning::ProtocolError)
      << "the 33rd unacknowledged transmission waits for the first acknowledgement, and times out";
}
