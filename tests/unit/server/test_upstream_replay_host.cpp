// Our host (NetworkProtocol driven by RemoteInference, as `kenning test`
// drives it) against a fake target on loopback that serves the target side
// of recorded upstream Kenning sessions (tests/data/upstream-interop/): the
// greeting, then after each complete request the next recorded reply, with
// the recorded LOGS where they came. Our frames must equal the recorded
// host frames: byte for byte with error_recovery on (b), up to the checksum
// byte with it off (upstream then writes 0, we a valid one).
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"
#include "protocols/io_spec_payload.h"
#include "protocols/network_protocol.h"
#include "protocols/tcp_transport.h"
#include "protocols/upstream_transcript.h"
#include "scenarios/remote_inference.h"

using namespace kenning;
using namespace kenning::protocol;
using namespace std::chrono_literals;
using kenning::testing::RecordedFrame;

namespace {

// What the fake target saw.
struct Served {
  std::vector<std::vector<std::byte>> frames;  // from our host, in order
  bool host_closed = false;                    // after the last recorded request
  std::string error;
};

std::vector<std::byte> read_frame(Transport& t) {
  std::vector<std::byte> frame(kHeaderSize);
  t.read(frame, 5s);
  const auto h = decode_header(std::span(frame).first<kHeaderSize>());
  if (h.payload_size() > (std::size_t{4} << 20)) throw ProtocolError("fake target: frame too large");
  frame.resize(kHeaderSize + h.payload_size());
  t.read(std::span(frame).subspan(kHeaderSize), 5s);
  return frame;
}

Served serve_recording(TcpListener& listener, const std::vector<RecordedFrame>& frames) {
  Served served;
  try {
    auto link = listener.accept();
    for (const auto& f : frames) {
      if (f.greeting) link->write(f.bytes, 1s);
    }
    for (const auto& exchange : kenning::testing::exchanges(frames)) {
      for (std::size_t i = 0; i < exchange.request.size(); ++i) served.frames.push_back(read_frame(*link));
      // One request at a time: nothing more may come before its reply.
      std::byte early;
      try {
        link->read({&early, 1}, 5ms);
        served.error = "the host sent more after frame " + std::to_string(served.frames.size()) +
                       " before its reply (byte " + std::to_string(static_cast<int>(early)) + ")";
        return served;
      } catch (const ProtocolError&) {
      }
      for (const auto* answer : exchange.answer) link->write(answer->bytes, 1s);
    }
    // Upstream's host closes after the reply to its last request.
    std::byte extra;
    try {
      link->read({&extra, 1}, 5s);
    } catch (const ProtocolError&) {
    }
    served.host_closed = link->closed();
  } catch (const std::exception& e) {
    served.error = e.what();
  }
  return served;
}

struct RecordedRequests {
  IOSpec spec;
  std::vector<std::byte> model;
  std::vector<std::vector<std::byte>> inputs;
};

// What the recorded host uploaded, to upload the same.
RecordedRequests recorded_requests(const std::vector<RecordedFrame>& frames) {
  RecordedRequests r;
  std::vector<std::byte> data;
  for (const auto& f : frames) {
    if (f.greeting || !f.to_target) continue;
    const auto p = f.payload();
    switch (f.header.type) {
      case MessageType::IoSpec: {
        const auto* text = reinterpret_cast<const char*>(p.data());
        r.spec = IOSpec::from_json(nlohmann::json::parse(text, text + p.size()), "recorded IO_SPEC");
        break;
      }
      case MessageType::Model:
        r.model.insert(r.model.end(), p.begin(), p.end());
        break;
      case MessageType::Data:
        data.insert(data.end(), p.begin(), p.end());
        if (f.header.has(flag::kLast)) r.inputs.push_back(std::exchange(data, {}));
        break;
      default:
        break;
    }
  }
  return r;
}

struct HostRun {
  Served served;
  Measurements measurements;
  std::vector<std::size_t> predictions;
  std::string error;  // the ProtocolError our host ended with, if any
};

HostRun run_host(const std::string& name, bool error_recovery) {
  const auto frames = kenning::testing::load_transcript(name);
  const auto requests = recorded_requests(frames);
  const auto dir = std::filesystem::temp_directory_path() / ("kenning-replay-host-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto model = dir / "model.ts";
  std::ofstream(model, std::ios::binary)
      .write(reinterpret_cast<const char*>(requests.model.data()), static_cast<std::streamsize>(requests.model.size()));

  TcpListener listener("127.0.0.1", 0);
  auto fake = std::async(std::launch::async, [&] { return serve_recording(listener, frames); });
  NetworkProtocol::Params p;
  p.port = listener.port();
  p.timeout = 5;
  p.error_recovery = error_recovery;
  NetworkProtocol protocol(p);
  HostRun run;
  try {
    RemoteInference remote(protocol);
    remote.prepare(model, requests.spec, run.measurements);
    for (const auto& input : requests.inputs) {
      const TensorView view(DType::Float32, {1, 1, 28, 28}, input);
      const auto out = remote.infer({&view, 1}, run.measurements);
      const auto logits = out.outputs.at(0).data<float>();
      run.predictions.push_back(
          static_cast<std::size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
    }
    remote.finish(run.measurements);
  } catch (const ProtocolError& e) {
    run.error = e.what();
    protocol.disconnect();  // as upstream's host, which closes after a FAIL
  }
  run.served = fake.get();
  std::filesystem::remove_all(dir);
  return run;
}

void expect_recorded_host_frames(const std::string& name, const Served& served, bool error_recovery) {
  EXPECT_TRUE(served.error.empty()) << served.error;
  const auto frames = kenning::testing::load_transcript(name);
  std::vector<const RecordedFrame*> recorded;
  for (const auto& f : frames) {
    if (!f.greeting && f.to_target) recorded.push_back(&f);
  }
  ASSERT_EQ(served.frames.size(), recorded.size()) << name;
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    auto ours = served.frames[i];
    auto theirs = recorded[i]->bytes;
    EXPECT_EQ(static_cast<std::byte>(
                  frame_checksum(std::span(ours).first<kHeaderSize>(), std::span(ours).subspan(kHeaderSize))),
              ours[5])
        << name << " frame " << i << ": our checksum is valid";
    if (!error_recovery) ours[5] = theirs[5] = std::byte{0};
    ASSERT_GE(ours.size(), kHeaderSize);
    EXPECT_TRUE(std::equal(ours.begin(), ours.begin() + kHeaderSize, theirs.begin(), theirs.begin() + kHeaderSize))
        << name << " frame " << i << ": ours " << describe(decode_header(std::span(ours).first<kHeaderSize>()))
        << ", upstream's " << describe(recorded[i]->header);
    EXPECT_TRUE(ours == theirs) << name << " frame " << i << " (" << describe(recorded[i]->header)
                                << "): payloads differ";
  }
  EXPECT_TRUE(served.host_closed) << name << ": our host did not close after its last request";
}

// t10k labels 9 2 1 1 6 1 4 6 5 7 4 5 7 3 4 1 2 4 8 0; upstream (and we) take sample 12 for an 8.
const std::vector<std::size_t> kRecordedArgmax = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 8, 3, 4, 1, 2, 4, 8, 0};

void expect_full_session(const std::string& name, bool error_recovery) {
  const auto run = run_host(name, error_recovery);
  EXPECT_TRUE(run.error.empty()) << run.error;
  expect_recorded_host_frames(name, run.served, error_recovery);
  EXPECT_EQ(run.predictions, kRecordedArgmax) << "the recorded OUTPUT payloads, read back";
  const auto& d = run.measurements.data();
  EXPECT_EQ(d.at(keys::protocol_inference_step).size(), 20u);
  EXPECT_EQ(d.at(keys::protocol_batch_step).size(), 20u);
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_LE(d.at(keys::protocol_inference_step)[i].get<double>(), d.at(keys::protocol_batch_step)[i].get<double>())
        << "the PROCESS round trip is part of the batch's";
  }
  EXPECT_TRUE(d.contains("session_utilization_cpus_percent")) << "upstream's STATS merged in";
}

}  // namespace

TEST(UpstreamReplayHost, IoSpecUploadIsByteForByteUpstreams) {
  const auto recorded =
      kenning::testing::read_bytes(kenning::testing::interop_dir() / "model" / "fashion-mnist-cnn.ts.json");
  const std::string text(reinterpret_cast<const char*>(recorded.data()), recorded.size());
  const auto spec = IOSpec::from_json(nlohmann::json::parse(text), "fixture");
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  EXPECT_EQ(io_spec_json_payload(spec), trimmed);
}

TEST(UpstreamReplayHost, DefaultSession) { expect_full_session("a-default", false); }

TEST(UpstreamReplayHost, ErrorRecoverySessionWithIdenticalChecksums) { expect_full_session("b-error-recovery", true); }

TEST(UpstreamReplayHost, DebugLogsAreConsumedWhereverTheyCome) { expect_full_session("c-debug-logs", false); }

TEST(UpstreamReplayHost, RefusedModelEndsTheSessionAfterTheModelUpload) {
  const auto run = run_host("d1-fail-model", false);
  EXPECT_NE(run.error.find("uploading the model: refused"), std::string::npos) << run.error;
  expect_recorded_host_frames("d1-fail-model", run.served, false);
}

TEST(UpstreamReplayHost, RefusedInputEndsTheSessionAfterThatInput) {
  const auto run = run_host("d2-fail-data", false);
  EXPECT_NE(run.error.find("uploading input: refused"), std::string::npos) << run.error;
  // Upstream's target logged why; our host names it.
  EXPECT_NE(run.error.find("not a multiple of the sample size"), std::string::npos) << run.error;
  expect_recorded_host_frames("d2-fail-data", run.served, false);
}
