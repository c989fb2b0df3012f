// Frames and message reassembly of the host/target protocol: the byte layout
// upstream Kenning reads, and refusal of every malformed input.
#include <gtest/gtest.h>

#include "protocols/frame.h"
#include "protocols/message_assembler.h"

using namespace kenning::protocol;

namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

Frame frame(MessageType type, std::uint16_t flags, std::vector<std::byte> payload,
            FlowControl flow = FlowControl::Transmission) {
  Frame f;
  f.header.type = type;
  f.header.flow = flow;
  f.header.flags = flags;
  f.header.size = static_cast<std::uint32_t>(payload.size());
  f.payload = std::move(payload);
  return f;
}

}  // namespace

TEST(ProtocolFrame, HeaderLayoutIsUpstreamKennings) {
  FrameHeader h;
  h.type = MessageType::IoSpec;        // 7
  h.flow = FlowControl::Transmission;  // 3, bits 38-39
  h.flags = flag::kFirst | flag::kLast;
  const auto payload = bytes_of({0xAA, 0xBB, 0xCC});
  const auto out = encode_frame(h, payload);
  ASSERT_EQ(out.size(), kHeaderSize + 3);
  EXPECT_EQ(out[0], std::byte{7});
  EXPECT_EQ(out[1], std::byte{0});
  EXPECT_EQ(out[4], std::byte{0xC0});  // flow control in the top two bits of the 5-byte id
  // flags: FIRST | LAST | HAS_PAYLOAD, little-endian
  EXPECT_EQ(out[6], std::byte{0x38});
  EXPECT_EQ(out[7], std::byte{0x00});
  EXPECT_EQ(out[8], std::byte{3});
  EXPECT_EQ(out[11], std::byte{0});
  std::uint8_t x = 0;
  for (auto b : out) x ^= static_cast<std::uint8_t>(b);
  EXPECT_EQ(x, kChecksumMagic) << "XOR over the whole frame must give the magic";
}

TEST(ProtocolFrame, RoundTripsEveryTypeAndFlow) {
  for (std::uint64_t t = 0; t <= kMaxMessageType; ++t) {
    for (int fc = 0; fc < 4; ++fc) {
      FrameHeader h;
      h.type = static_cast<MessageType>(t);
      h.flow = static_cast<FlowControl>(fc);
      h.flags = flag::kSuccess | flag::kSpec1;
      const auto payload = bytes_of({1, 2, 3, 4, 5});
      const auto out = encode_frame(h, payload);
      const auto r = decode_frame(out, 1024);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->error, FrameError::None);
      EXPECT_EQ(r->used, out.size());
      EXPECT_EQ(r->frame.header.type, h.type);
      EXPECT_EQ(r->frame.header.flow, h.flow);
      EXPECT_TRUE(r->frame.header.has(flag::kSpec1));
      EXPECT_EQ(r->frame.payload, payload);
    }
  }
}

TEST(ProtocolFrame, PayloadlessFrameKeepsItsCountAndReadsNoPayload) {
  FrameHeader h;
  h.type = MessageType::Data;
  h.flow = FlowControl::Acknowledge;
  h.size = 42;  // frames received
  auto out = encode_frame(h, {});
  out.push_back(std::byte{0x55});  // next frame's first byte
  const auto r = decode_frame(out, 1024);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->used, kHeaderSize);
  EXPECT_EQ(r->frame.header.size, 42u);
  EXPECT_TRUE(r->frame.payload.empty());
}

TEST(ProtocolFrame, BadChecksumIsDetectedInHeaderAndPayload) {
  FrameHeader h;
  h.type = MessageType::Data;
  const auto good = encode_frame(h, bytes_of({1, 2, 3, 4}));
  for (std::size_t i = 0; i < good.size(); ++i) {
    if (i >= 8 && i < 12) continue;  // a size change makes it a length error instead
    auto bad = good;
    bad[i] ^= std::byte{0x01};
    const auto r = decode_frame(bad, 1024);
    ASSERT_TRUE(r.has_value()) << "byte " << i;
    EXPECT_NE(r->error, FrameError::None) << "flipping byte " << i << " went unnoticed";
  }
}

TEST(ProtocolFrame, UnknownTypeAndOversizedPayloadAreRefusedBeforeReading) {
  FrameHeader h;
  h.type = static_cast<MessageType>(kMaxMessageType + 1);
  auto out = encode_frame(h, bytes_of({1}));
  auto r = decode_frame(out, 1024);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->error, FrameError::UnknownType);

  h.type = MessageType::Model;
  out = encode_frame(h, std::vector<std::byte>(2000));
  r = decode_frame(out, 1024);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->error, FrameError::TooLarge);
  EXPECT_EQ(r->used, kHeaderSize) << "an oversized frame must be refused on its header alone";
}

TEST(ProtocolFrame, PartialFrameAsksForMore) {
  FrameHeader h;
  const auto out = encode_frame(h, bytes_of({1, 2, 3}));
  EXPECT_FALSE(decode_frame(std::span(out).first(5), 1024).has_value());
  EXPECT_FALSE(decode_frame(std::span(out).first(kHeaderSize + 2), 1024).has_value());
}

TEST(ProtocolAssembler, JoinsChunksBetweenFirstAndLast) {
  MessageAssembler a(100);
  // The message's flags are its FIRST frame's (upstream repeats them on every frame).
  EXPECT_EQ(a.add(frame(MessageType::Model, flag::kFirst | flag::kSuccess, bytes_of({1, 2}))).status,
            MessageAssembler::Status::Incomplete);
  EXPECT_EQ(a.add(frame(MessageType::Model, 0, bytes_of({3}))).status, MessageAssembler::Status::Incomplete);
  const auto r = a.add(frame(MessageType::Model, flag::kLast, bytes_of({4, 5})));
  ASSERT_EQ(r.status, MessageAssembler::Status::Complete);
  EXPECT_EQ(r.message.payload, bytes_of({1, 2, 3, 4, 5}));
  EXPECT_EQ(r.message.frames, 3u);
  EXPECT_TRUE(r.message.has(flag::kSuccess));
  EXPECT_TRUE(r.message.defect.empty());
  EXPECT_FALSE(a.in_progress());
}

TEST(ProtocolAssembler, RefusesOutOfOrderFrames) {
  MessageAssembler a(100);
  // A message without FIRST is read to its LAST frame and handed over as a defect.
  auto r = a.add(frame(MessageType::Data, 0, bytes_of({1})));
  EXPECT_EQ(r.status, MessageAssembler::Status::Incomplete);
  r = a.add(frame(MessageType::Data, flag::kLast, bytes_of({1})));
  ASSERT_EQ(r.status, MessageAssembler::Status::Complete);
  EXPECT_NE(r.message.defect.find("lacks the FIRST flag"), std::string::npos) << r.message.defect;
  EXPECT_TRUE(r.message.payload.empty());

  a.add(frame(MessageType::Data, flag::kFirst, bytes_of({1})));
  r = a.add(frame(MessageType::Model, flag::kLast, bytes_of({2})));
  EXPECT_EQ(r.status, MessageAssembler::Status::OutOfOrder);
  EXPECT_FALSE(a.in_progress()) << "the broken transmission must be dropped";

  a.add(frame(MessageType::Data, flag::kFirst, bytes_of({1})));
  r = a.add(frame(MessageType::Data, flag::kFirst, bytes_of({1})));
  EXPECT_EQ(r.status, MessageAssembler::Status::OutOfOrder);

  a.add(frame(MessageType::Data, flag::kFirst, bytes_of({1})));
  r = a.add(frame(MessageType::Process, 0, {}, FlowControl::Request));
  EXPECT_EQ(r.status, MessageAssembler::Status::OutOfOrder);

  // After errors, a well-formed message goes through.
  r = a.add(frame(MessageType::Process, flag::kFirst | flag::kLast, {}, FlowControl::Request));
  EXPECT_EQ(r.status, MessageAssembler::Status::Complete);
  EXPECT_EQ(r.message.type, MessageType::Process);
}

TEST(ProtocolAssembler, RefusesMessagesAboveTheLimit) {
  MessageAssembler a(10);
  a.add(frame(MessageType::Model, flag::kFirst, std::vector<std::byte>(6)));
  const auto r = a.add(frame(MessageType::Model, flag::kLast, std::vector<std::byte>(5)));
  EXPECT_EQ(r.status, MessageAssembler::Status::TooLarge);
  EXPECT_NE(r.error.find("10 bytes"), std::string::npos) << r.error;
}
