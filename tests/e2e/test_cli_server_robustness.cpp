// `kenning server` against clients that misbehave: silent or slow ones,
// ones that vanish in the middle of a frame, oversized frames, and a
// thousand short sessions in a row. The server answers each with an error
// LOGS message or a timeout, keeps serving, and its memory stays flat.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "remote_scenarios.h"
#include "raw_client.h"
#include "run_kenning.h"
#include "server_process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Resident set size of process `pid` in kB, from /proc.
long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Reads one frame's header and payload; empty when the server closed.
std::string read_frame(RawClient& c) {
  std::string header = c.recv_n(12);
  if (header.size() < 12) return {};
  std::size_t n = 0;
  if (header[6] & 0x08) {
    for (int i = 0; i < 4; ++i) n |= static_cast<std::size_t>(static_cast<unsigned char>(header[8 + i])) << (8 * i);
  }
  return header + c.recv_n(n);
}

// The LOGS transmission (type 13) the server says why in before it hangs up.
bool is_error_log(const std::string& frame) {
  return frame.size() > 12 && frame[0] == 13 && frame.find("[ERROR]") != std::string::npos;
}
bool is_success_reply(const std::string& frame, char type) {
  return frame.size() >= 12 && frame[0] == type && (frame[6] & 0x01) && (frame[6] & 0x40);
}

void expect_next_client_served(int port, const fs::path& dir, const ServerProcess& server) {
  const auto out = dir / "after.json";
  const auto r = run_kenning({"test", "--cfg", kRemoteScenario, "--port", std::to_string(port), "--reduce-dataset",
                              "0.01", "--inference-batch-size", "50", "--measurements", out.string()},
                             300);
  ASSERT_EQ(r.exit_code, 0) << r.err << "\nserver:\n" << server.log();
  EXPECT_EQ(read_json(out)["target_inference_step"].size(), 2u);
}

}  // namespace

TEST(ServerRobustness, SlowVanishingAndOversizedClientsAreDroppedAndTheServerGoesOn) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("server-robustness", "clients");
  // timeout 1 s: the server's idle limit per client.
  ServerProcess server(
      {"--cfg", kServerScenario, "--port", "0", "--timeout", "1", "--model-dir", (dir / "models").string()}, dir);
  ASSERT_GT(server.port(), 0) << server.log();
  {
    // Half a header, then nothing: dropped once the timeout passes.
    RawClient slow(server.port());
    ASSERT_EQ(slow.recv_n(1).size(), 1u);
    ASSERT_TRUE(slow.send_all(wire_ping().substr(0, 6)));
    const auto start = std::chrono::steady_clock::now();
    const std::string reply = read_frame(slow);
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(is_error_log(reply)) << server.log();
    EXPECT_NE(reply.find("timeout"), std::string::npos) << reply.substr(12);
    EXPECT_GT(waited, 0.5);
    EXPECT_LT(waited, 4.0);
    EXPECT_EQ(slow.recv_n(1), "") << "the connection is closed after the error";
  }
  {
    // A DATA transmission announcing 1000 bytes that stops after 100: the client vanishes.
    RawClient vanishing(server.port());
    ASSERT_EQ(vanishing.recv_n(1).size(), 1u);
    ASSERT_TRUE(vanishing.send_all(wire_ping()));
    EXPECT_TRUE(is_success_reply(read_frame(vanishing), 0)) << "PING is answered with a PING + SUCCESS";
    const std::string data = wire_frame(2, 0, 0x10 | 0x20, std::string(1000, 'd'));
    ASSERT_TRUE(vanishing.send_all(data.substr(0, 112)));
  }
  {
    // A header claiming a 4 GiB payload: refused before anything is allocated.
    RawClient oversized(server.port());
    ASSERT_EQ(oversized.recv_n(1).size(), 1u);
    std::string frame = wire_frame(2, 0, 0x08 | 0x10 | 0x20, "");
    for (int i = 8; i < 12; ++i) frame[i] = '\xFF';
    std::uint8_t sum = 0x4B;
    for (int i = 0; i < 12; ++i) {
      if (i != 5) sum ^= static_cast<std::uint8_t>(frame[i]);
    }
    frame[5] = static_cast<char>(sum);
    ASSERT_TRUE(oversized.send_all(frame));
    const std::string reply = read_frame(oversized);
    EXPECT_TRUE(is_error_log(reply)) << server.log();
    EXPECT_NE(reply.find("payload larger than allowed"), std::string::npos) << reply.substr(12);
  }
  ASSERT_TRUE(server.running()) << server.log();
  expect_next_client_served(server.port(), dir, server);
  server.stop();
}

TEST(ServerRobustness, MemoryStaysFlatOverAThousandClients) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("server-robustness", "rss");
  ServerProcess server({"--cfg", kServerScenario, "--port", "0", "--model-dir", (dir / "models").string()}, dir);
  ASSERT_GT(server.port(), 0) << server.log();
  // Each session: connect, PING, its reply, goodbye; every tenth one
  // disconnects in the middle of a frame instead.
  const auto session = [&](int i) {
    RawClient c(server.port());
    ASSERT_EQ(c.recv_n(1).size(), 1u) << "client " << i << "\n" << server.log();
    ASSERT_TRUE(c.send_all(wire_ping()));
    ASSERT_FALSE(read_frame(c).empty()) << "client " << i;
    if (i % 10 == 0) {
      c.send_all(wire_frame(7, 0, 0x10 | 0x20, std::string(300, '{')).substr(0, 40));
    } else {
      c.send_all(wire_frame(0, 0, 0x02 | 0x10 | 0x20, ""));  // PING + FAIL: goodbye
    }
  };
  for (int i = 0; i < 100; ++i) session(i);
  const long after_100 = rss_kb(server.pid());
  for (int i = 100; i < 1000; ++i) session(i);
  // The last session's end reaches the server after its client leaves.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long after_1000 = rss_kb(server.pid());
  ASSERT_GT(after_100, 0);
  EXPECT_LT(after_1000 - after_100, 1024)
      << "RSS " << after_100 << " kB after 100 clients, " << after_1000 << " kB after 1000";
  ASSERT_TRUE(server.running()) << server.log();
  expect_next_client_served(server.port(), dir, server);
  server.stop();
}
