// Our target (InferenceServer with PyTorchRuntime, as the recordings' target
// ran) fed the host frames of recorded upstream Kenning sessions
// (tests/data/upstream-interop/), in order, waiting for each reply: its
// replies must be upstream's, frame for frame. LOGS are free in number and
// content and are skipped. OUTPUT logits are compared with a tolerance and
// by argmax; STATS must be a JSON object (its keys are the target's own).
// Checksums: ours are always valid; with error_recovery on (b, p-probe-er)
// the recorded, valid ones must match byte for byte.
//
// The probe sessions (p-probe, p-probe-er) send what no upstream host sends.
// Where upstream answered, its answer binds us. Where it stayed silent
// (PING over TCP, a TRANSMISSION from the host, a message without FIRST,
// PROCESS before MODEL or without new DATA, anything after a positive
// ACKNOWLEDGE), we may stay silent too or answer FAIL with the request's
// type; a PING may also be answered with a PING (our token handshake).
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <future>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "protocols/channel.h"
#include "protocols/memory_transport.h"
#include "protocols/serial_transport.h"
#include "protocols/upstream_transcript.h"
#include "pty_link.h"
#include "server/inference_server.h"

using namespace kenning;
using namespace kenning::protocol;
using namespace std::chrono_literals;
using kenning::testing::load_transcript;
using kenning::testing::RecordedFrame;

namespace {

std::vector<float> floats_of(std::span<const std::byte> bytes) {
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

std::size_t argmax(const std::vector<float>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Our reply against upstream's recorded one, for one message of one frame.
void expect_same_reply(const Message& ours, const RecordedFrame& recorded, bool error_recovery,
                       const std::string& where) {
  const FrameHeader& r = recorded.header;
  ASSERT_EQ(ours.type, r.type) << where;
  EXPECT_EQ(ours.flow, r.flow) << where;
  EXPECT_EQ(ours.frames, 1u) << where;
  const auto payload = recorded.payload();
  if (r.type == MessageType::Output && r.has(flag::kSuccess)) {
    const auto theirs = floats_of(payload), mine = floats_of(ours.payload);
    ASSERT_EQ(mine.size(), theirs.size()) << where;
    for (std::size_t i = 0; i < mine.size(); ++i) EXPECT_NEAR(mine[i], theirs[i], 1e-3) << where << " logit " << i;
    EXPECT_EQ(argmax(mine), argmax(theirs)) << where;
  } else if (r.type == MessageType::Stats && !payload.empty()) {
    const auto* text = reinterpret_cast<const char*>(ours.payload.data());
    EXPECT_TRUE(nlohmann::json::parse(text, text + ours.payload.size(), nullptr, false).is_object()) << where;
  } else {
    EXPECT_EQ(ours.payload, std::vector<std::byte>(payload.begin(), payload.end())) << where;
    // Same header and payload: a valid checksum is then the recorded one.
    if (error_recovery) {
      auto mine = encode_frame({ours.type, ours.flow, ours.flags, 0, 0}, ours.payload);
      EXPECT_EQ(mine[5], recorded.bytes[5]) << where << ": checksum";
    }
  }
  // FIRST|LAST|HAS_PAYLOAD are per frame; the rest are the message's flags.
  EXPECT_EQ(ours.flags | flag::kLast | (payload.empty() ? 0 : flag::kHasPayload), r.flags) << where;
}

// A server session on one end of `link`, fed and read through the other.
struct Target {
  std::unique_ptr<Runtime> runtime;
  std::filesystem::path dir;

  Target() {
    dir = std::filesystem::temp_directory_path() / ("kenning-replay-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    runtime = registries().runtimes.create("PyTorchRuntime", {{"num_threads", 1}}, "test: runtime");
  }
  ~Target() { std::filesystem::remove_all(dir); }
};

ChannelOptions target_options(bool error_recovery) {
  ChannelOptions o;
  o.max_message_size = 16u << 20;
  o.timeout = 10s;
  o.error_recovery = error_recovery;
  return o;
}

// Feeds every recorded host message to the target behind `host_end` and
// checks what comes back; `silence` is how long an expected silence is awaited.
void replay(const std::string& name, Transport& host_end, bool error_recovery, std::chrono::milliseconds silence) {
  const auto frames = load_transcript(name);
  Channel host(host_end, target_options(error_recovery));
  std::size_t n = 0;
  for (const auto& exchange : kenning::testing::exchanges(frames)) {
    const std::string where =
        name + " exchange " + std::to_string(n++) + " (" + describe(exchange.request.front()->header) + ")";
    for (const auto* f : exchange.request) host_end.write(f->bytes, 1s);
    const auto expected = kenning::testing::replies(exchange);
    const auto next = [&](std::chrono::milliseconds wait) {
      for (;;) {
        Message m = host.receive(wait);
        if (m.type != MessageType::Logs) return m;
      }
    };
    if (!expected.empty()) {
      for (const auto* r : expected) {
        const Message ours = next(10s);
        expect_same_reply(ours, *r, error_recovery, where);
      }
      continue;
    }
    // Upstream stayed silent: silence or a FAIL of the request's type is fine.
    const FrameHeader& request = exchange.request.front()->header;
    try {
      const Message ours = next(silence);
      EXPECT_EQ(ours.type, request.type) << where;
      EXPECT_TRUE(ours.has(flag::kFail) || request.type == MessageType::Ping)
          << where << ": answered " << describe({ours.type, ours.flow, ours.flags, 0, 0});
    } catch (const ProtocolError& e) {
      EXPECT_NE(std::string(e.what()).find("timeout"), std::string::npos) << where << ": " << e.what();
    }
  }
}

void replay_over_tcp_pipe(const std::string& name, bool error_recovery) {
  Target target;
  auto [host_end, target_end] = make_memory_pipe();
  auto session = std::async(std::launch::async, [&, t = target_end.get()] {
    Channel c(*t, target_options(error_recovery));
    return InferenceServer(*target.runtime, target.dir, ServerLimits{}, "").serve(c);
  });
  replay(name, *host_end, error_recovery, 300ms);
  host_end->close();  // upstream's host closes after its last reply
  const auto summary = session.get();
  EXPECT_TRUE(summary.clean) << summary.end_reason;
}

bool torch_available() {
  try {
    registries().runtimes.create("PyTorchRuntime", {{"num_threads", 1}}, "test: runtime");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

#define REQUIRE_TORCH() \
  if (!torch_available()) GTEST_SKIP() << "PyTorchRuntime is not available in this build (KENNING_WITH_TORCH off)"

}  // namespace

TEST(UpstreamReplayTarget, DefaultSessionZeroChecksums) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("a-default", false);
}

TEST(UpstreamReplayTarget, ErrorRecoverySessionValidChecksums) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("b-error-recovery", true);
}

TEST(UpstreamReplayTarget, DebugLogsSession) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("c-debug-logs", false);
}

TEST(UpstreamReplayTarget, ModelTheRuntimeRefusesIsAnsweredWithFail) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("d1-fail-model", false);
}

TEST(UpstreamReplayTarget, InputOfTheWrongSizeIsAnsweredWithFail) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("d2-fail-data", false);
}

TEST(UpstreamReplayTarget, ProbeEdgeCases) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("p-probe", false);
}

TEST(UpstreamReplayTarget, ProbeChecksumsWithErrorRecovery) {
  REQUIRE_TORCH();
  replay_over_tcp_pipe("p-probe-er", true);
}

// Upstream's serial host over a pseudo-terminal pair: PING to open and to
// close, the binary I/O spec struct, 124-byte frames. The recording's target
// was a stand-in; our replies are held to it all the same.
TEST(UpstreamReplayTarget, SerialSessionOverAPseudoTerminal) {
  REQUIRE_TORCH();
  Target target;
  kenning::testing::PtyLink link;
  auto host_line = SerialTransport::open(link.end_a(), 115200);
  auto target_line = SerialTransport::open(link.end_b(), 115200);
  auto session = std::async(std::launch::async, [&] {
    Channel c(*target_line, target_options(false));
    ServerLimits limits;
    limits.idle_timeout = 10s;
    return InferenceServer(*target.runtime, target.dir, limits, "").serve(c);
  });
  replay("u-uart", *host_line, false, 300ms);
  const auto summary = session.get();
  EXPECT_TRUE(summary.clean) << summary.end_reason;
  EXPECT_EQ(summary.end_reason, "client said goodbye");
  EXPECT_EQ(summary.inferences, 5u);
}
