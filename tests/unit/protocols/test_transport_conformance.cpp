// The framing cases every transport must pass, run over each of them: the
// in-memory pipe, loopback TCP and a serial line (two pseudo-terminal pairs
// joined by a relay, tests/unit/pty_link.h). Each fixture starts the real
// thing and stops it; one that cannot start on this machine skips, saying why.
// A Channel sits on both ends, as in a session; the bytes of a frame are
// written raw where a case needs them cut, damaged or cut short.
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "protocols/channel.h"
#include "protocols/memory_transport.h"
#include "protocols/serial_transport.h"
#include "protocols/tcp_transport.h"
#include "pty_link.h"

using namespace kenning::protocol;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMaxMessage = 256 * 1024;

ChannelOptions options(bool /*is_host*/, std::chrono::milliseconds timeout = 3000ms) {
  ChannelOptions o;
  o.packet_size = 4096;
  o.max_message_size = kMaxMessage;
  o.timeout = timeout;
  return o;
}

std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(i * 7 + 3);
  return v;
}

// Each link: `near` (the host's end) and `far` (the target's end), and
// start(), which returns why the transport cannot start here (empty: it runs).
struct MemoryLink {
  static constexpr const char* kName = "Memory";
  static constexpr bool kSeesEndOfFile = true;
  std::unique_ptr<Transport> near, far;
  std::string start() {
    std::tie(near, far) = make_memory_pipe();
    return {};
  }
};

struct TcpLink {
  static constexpr const char* kName = "Tcp";
  static constexpr bool kSeesEndOfFile = true;
  std::unique_ptr<TcpListener> listener;  // declared first: stopped last
  std::unique_ptr<Transport> near, far;
  std::string start() {
    try {
      listener = std::make_unique<TcpListener>("127.0.0.1", 0);
    } catch (const kenning::ProtocolError& e) {
      return std::string("no loopback TCP listener: ") + e.what();
    }
    auto accepted = std::async(std::launch::async, [this] { return listener->accept(); });
    near = TcpTransport::connect("127.0.0.1", listener->port(), 2s);
    far = accepted.get();
    return {};
  }
};

// A serial line has no end of file: a peer that went away shows as silence.
struct SerialLink {
  static constexpr const char* kName = "Serial";
  static constexpr bool kSeesEndOfFile = false;
  std::unique_ptr<kenning::testing::PtyLink> cable;  // declared first: stopped last
  std::unique_ptr<Transport> near, far;
  std::string start() {
    try {
      cable = std::make_unique<kenning::testing::PtyLink>();
    } catch (const std::exception& e) {
      return std::string("no pseudo-terminal pair: ") + e.what();
    }
    near = SerialTransport::open(cable->end_a(), 115200);
    far = SerialTransport::open(cable->end_b(), 115200);
    return {};
  }
};

struct LinkName {
  template <class Link>
  static std::string GetName(int) {
    return Link::kName;
  }
};

template <class Link>
class TransportConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = link_.start();
    if (!why.empty()) GTEST_SKIP() << Link::kName << " transport cannot start on this machine: " << why;
  }

  Transport& near() { return *link_.near; }
  Transport& far() { return *link_.far; }

  // Calls `f`, which must throw ProtocolError; returns its message and how long it took.
  template <class F>
  std::pair<std::string, std::chrono::steady_clock::duration> failure_of(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      f();
    } catch (const kenning::ProtocolError& e) {
      return {e.what(), std::chrono::steady_clock::now() - t0};
    }
    ADD_FAILURE() << "no ProtocolError";
    return {"", std::chrono::steady_clock::now() - t0};
  }

  Link link_;
};

using Links = ::testing::Types<MemoryLink, TcpLink, SerialLink>;
TYPED_TEST_SUITE(TransportConformance, Links, LinkName);

TYPED_TEST(TransportConformance, AMessageGoesThereAndBack) {
  Channel host(this->near(), options(true));
  Channel target(this->far(), options(false));
  auto echoed = std::async(std::launch::async, [&] {
    Message m = target.receive();
    target.send(MessageType::Output, FlowControl::Transmission, m.payload, flag::kSuccess | flag::kIsKenning);
    return m;
  });
  host.send(MessageType::Data, FlowControl::Request, pattern(10000));
  const Message reply = host.receive();
  const Message request = echoed.get();
  EXPECT_EQ(request.type, MessageType::Data);
  EXPECT_EQ(request.frames, 3u) << "10000 bytes in 4096-byte packets";
  EXPECT_EQ(request.flow, FlowControl::Request);
  EXPECT_EQ(reply.type, MessageType::Output);
  EXPECT_TRUE(reply.has(flag::kSuccess));
  EXPECT_EQ(reply.payload, pattern(10000));
}

TYPED_TEST(TransportConformance, APayloadAtTheSizeBoundArrivesWholeAndOneByteMoreIsRefused) {
  Channel host(this->near(), options(true));
  Channel target(this->far(), options(false));
  auto received = std::async(std::launch::async, [&] { return target.receive(); });
  host.send(MessageType::Model, FlowControl::Request, pattern(kMaxMessage));
  const Message m = received.get();
  EXPECT_EQ(m.frames, kMaxMessage / 4096);
  EXPECT_EQ(m.payload, pattern(kMaxMessage));
  const auto [error, took] =
      this->failure_of([&] { host.send(MessageType::Model, FlowControl::Request, pattern(kMaxMessage + 1)); });
  EXPECT_NE(error.find("max_message_size"), std::string::npos) << error;
}

TYPED_TEST(TransportConformance, AFrameSplitAcrossReadsIsJoined) {
  Channel target(this->far(), options(false));
  FrameHeader h;
  h.type = MessageType::Data;
  h.flags = flag::kFirst | flag::kLast;
  const auto frame = encode_frame(h, pattern(3000));
  // Header in three pieces, payload in two, with pauses the reader sees.
  auto writer = std::async(std::launch::async, [&] {
    for (auto [from, to] : {std::pair<std::size_t, std::size_t>{0, 1},
                            {1, 6},
                            {6, kHeaderSize},
                            {kHeaderSize, 1500},
                            {1500, frame.size()}}) {
      this->near().write(std::span(frame).subspan(from, to - from), 1s);
      std::this_thread::sleep_for(30ms);
    }
  });
  const Message m = target.receive();
  writer.get();
  EXPECT_EQ(m.type, MessageType::Data);
  EXPECT_EQ(m.payload, pattern(3000));
}

TYPED_TEST(TransportConformance, AnOversizedOrGarbledHeaderIsRefusedAtOnce) {
  Channel target(this->far(), options(false));
  // A header that announces more than the bound and sends nothing after it:
  // refused on the header, neither waiting for nor allocating the payload.
  FrameHeader h;
  h.type = MessageType::Model;
  h.flags = flag::kFirst;
  auto oversized = encode_frame(h, pattern(4));
  oversized.resize(kHeaderSize);
  const std::uint32_t lie = kMaxMessage + 1;
  std::memcpy(oversized.data() + 8, &lie, 4);  // little-endian hosts, as the wire
  this->near().write(oversized, 1s);
  auto [error, took] = this->failure_of([&] { target.receive(); });
  EXPECT_NE(error.find(frame_error_text(FrameError::TooLarge)), std::string::npos) << error;
  EXPECT_LT(took, 1500ms) << "waited for a payload it refused";

  // Twelve bytes of noise: no such message type.
  Channel target2(this->far(), options(false));
  this->near().write(std::vector<std::byte>(kHeaderSize, std::byte{0xFF}), 1s);
  std::tie(error, took) = this->failure_of([&] { target2.receive(); });
  EXPECT_NE(error.find(frame_error_text(FrameError::UnknownType)), std::string::npos) << error;
  EXPECT_LT(took, 1500ms);
}

TYPED_TEST(TransportConformance, APeerThatClosesMidFrameEndsTheReadWithinTheTimeout) {
  Channel target(this->far(), options(false, 1000ms));
  FrameHeader h;
  h.type = MessageType::Data;
  h.flags = flag::kFirst | flag::kLast;
  auto frame = encode_frame(h, pattern(2000));
  frame.resize(kHeaderSize + 700);
  this->near().write(frame, 1s);
  std::this_thread::sleep_for(50ms);  // the first bytes reach the reader before the close
  this->near().close();
  const auto [error, took] = this->failure_of([&] { target.receive(); });
  EXPECT_LT(took, 2500ms) << "the read outlived its timeout";
  if (TypeParam::kSeesEndOfFile) {
    EXPECT_TRUE(this->far().closed()) << error;
    EXPECT_NE(error.find("closed by the peer"), std::string::npos) << error;
  } else {
    EXPECT_NE(error.find("timeout"), std::string::npos) << error;
  }
}

TYPED_TEST(TransportConformance, ABoundedWaitTimesOutAndTheLinkStillWorks) {
  Channel host(this->near(), options(true));
  Channel target(this->far(), options(false));
  // A message read before the timeout must not come back after it.
  host.send(MessageType::Data, FlowControl::Request, pattern(3));
  EXPECT_EQ(target.receive().payload, pattern(3));
  const auto [error, took] = this->failure_of([&] { target.receive(150ms); });
  EXPECT_NE(error.find("timeout"), std::string::npos) << error;
  // Timers may fire a little early; a wait cut far short is a failure.
  EXPECT_GE(took, 120ms) << "gave up long before its timeout";
  EXPECT_LT(took, 1500ms);
  EXPECT_FALSE(this->far().closed()) << "a timeout is not an end of file";

  auto received = std::async(std::launch::async, [&] { return target.receive(); });
  host.send(MessageType::Ping, FlowControl::Request, pattern(5));
  const Message m = received.get();
  EXPECT_EQ(m.type, MessageType::Ping);
  EXPECT_EQ(m.payload, pattern(5));
}

}  // namespace
