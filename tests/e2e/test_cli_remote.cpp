// Remote targets end to end: `kenning server` in a child process on
// loopback, `kenning test` with a protocol block against it. Same accuracy
// as a local run, both timings recorded, garbage refused without taking the
// server down, and the server always stopped afterwards.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "remote_scenarios.h"
#include "raw_client.h"
#include "run_kenning.h"
#include "server_process.h"

namespace fs = std::filesystem;
using nlohmann::json;

TEST(CliRemote, RemoteRunMatchesTheLocalRunAndRecordsBothTimings) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("remote", "remote");
  const auto local_out = dir / "local.json";
  const auto remote_out = dir / "remote.json";
  const auto local =
      run_kenning(with({"test", "--cfg", kLocalScenario, "--measurements", local_out.string()}, kReduced));
  ASSERT_EQ(local.exit_code, 0) << local.err;

  ServerProcess server(
      {"--cfg", kServerScenario, "--port", "0", "--max-clients", "1", "--model-dir", (dir / "models").string()}, dir);
  ASSERT_GT(server.port(), 0) << server.log();
  const auto remote = run_kenning(with({"test", "--cfg", kRemoteScenario, "--port", std::to_string(server.port()),
                                        "--measurements", remote_out.string()},
                                       kReduced),
                                  300);
  ASSERT_EQ(remote.exit_code, 0) << remote.err << "\nserver:\n" << server.log();
  // --max-clients 1: the server leaves by itself once its client is done.
  EXPECT_TRUE(server.wait_exit(std::chrono::seconds(20))) << server.log();
  EXPECT_TRUE(WIFEXITED(server.exit_status()) && WEXITSTATUS(server.exit_status()) == 0) << server.log();

  const json l = read_json(local_out);
  const json r = read_json(remote_out);
  EXPECT_EQ(r["total"], 200);
  EXPECT_EQ(r["accuracy"], l["accuracy"]);
  EXPECT_EQ(r["eval_confusion_matrix"], l["eval_confusion_matrix"]) << "remote predictions differ from local ones";
  ASSERT_EQ(r["protocol_inference_step"].size(), 20u);
  ASSERT_EQ(r["target_inference_step"].size(), 20u) << "the target's own timings must come back";
  EXPECT_EQ(r["protocol_inference_step_timestamp"].size(), 20u);
  ASSERT_EQ(r["protocol_batch_step"].size(), 20u);
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_GT(r["protocol_inference_step"][i].get<double>(), r["target_inference_step"][i].get<double>())
        << "the PROCESS round trip includes the run on the target";
    EXPECT_GE(r["protocol_batch_step"][i].get<double>(), r["protocol_inference_step"][i].get<double>())
        << "the batch's DATA, PROCESS and OUTPUT include its PROCESS";
  }
  EXPECT_TRUE(r.contains("inferencetime_median"));
  EXPECT_EQ(r["runtime_framework"], "onnx_exec");
  EXPECT_EQ(r["build_cfg"]["protocol"]["type"], "NetworkProtocol");
  EXPECT_EQ(r["build_cfg"]["protocol"]["parameters"]["port"], server.port());
  EXPECT_TRUE(r.contains("model_upload_time"));
}

TEST(CliRemote, GarbageIsLoggedToTheClientAndTheServerServesTheNextClient) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("remote", "remote-garbage");
  ServerProcess server({"--cfg", kServerScenario, "--port", "0", "--model-dir", (dir / "models").string()}, dir);
  ASSERT_GT(server.port(), 0) << server.log();
  // One frame: header, then the payload HAS_PAYLOAD announces.
  const auto next_frame = [](RawClient& raw) {
    std::string frame = raw.recv_n(12);
    if (frame.size() == 12 && (frame[6] & 0x08)) {
      const auto size = static_cast<unsigned char>(frame[8]) | (static_cast<unsigned char>(frame[9]) << 8);
      frame += raw.recv_n(size);
    }
    return frame;
  };
  {
    RawClient raw(server.port());
    ASSERT_GE(raw.fd, 0);
    ASSERT_EQ(raw.recv_n(1), std::string(1, '\0')) << "greeting byte";
    ASSERT_TRUE(raw.send_all(std::string(40, '\x5A')));
    // The reason comes as a LOGS transmission (upstream's hosts print them), then the server hangs up.
    const std::string frame = next_frame(raw);
    ASSERT_GE(frame.size(), 12u) << server.log();
    EXPECT_EQ(frame[0], 13) << "message type LOGS";
    EXPECT_EQ((static_cast<unsigned char>(frame[4]) >> 6), 3) << "a TRANSMISSION";
    EXPECT_NE(frame.find("[ERROR]"), std::string::npos) << frame;
    EXPECT_NE(frame.find("unknown message type"), std::string::npos) << frame;
  }
  {
    // A PROCESS request with a wrong checksum is read as upstream reads it, and refused for
    // what it asks (no model yet), not for its checksum.
    RawClient raw(server.port());
    ASSERT_EQ(raw.recv_n(1).size(), 1u);
    const std::string frame = {4, 0, 0, 0, 0, 0x55, 0x30, 0x00, 0, 0, 0, 0};
    ASSERT_TRUE(raw.send_all(frame));
    std::string reply;
    do {
      reply = next_frame(raw);
    } while (reply.size() >= 12 && reply[0] == 13);
    ASSERT_EQ(reply.size(), 13u) << server.log();
    EXPECT_EQ(reply[0], 4) << "a PROCESS reply";
    EXPECT_EQ(static_cast<unsigned char>(reply[6]), 0x7a) << "FAIL|HAS_PAYLOAD|FIRST|LAST|IS_KENNING";
    EXPECT_EQ(reply[12], 6) << "ServerAction: processing input";
  }
  {
    // A client that connects and leaves without a word.
    RawClient raw(server.port());
    ASSERT_GE(raw.fd, 0);
  }
  ASSERT_TRUE(server.running()) << server.log();
  const auto dir_out = dir / "after.json";
  const auto r =
      run_kenning({"test", "--cfg", kRemoteScenario, "--port", std::to_string(server.port()), "--reduce-dataset",
                   "0.01", "--inference-batch-size", "50", "--measurements", dir_out.string()},
                  300);
  ASSERT_EQ(r.exit_code, 0) << r.err << "\nserver:\n" << server.log();
  EXPECT_EQ(read_json(dir_out)["target_inference_step"].size(), 2u);
  server.stop();
  EXPECT_FALSE(server.running());
}

TEST(CliRemote, ClientWithoutServerFailsWithAProtocolError) {
  if (!have_data_and_model()) GTEST_SKIP() << "Fashion-MNIST or models/fashion-mnist-cnn.onnx missing";
  const auto dir = e2e_temp_dir("remote", "remote-none");
  // Port 1 is privileged and unused here: the connection is refused at once.
  const auto r = run_kenning({"test", "--cfg", kRemoteScenario, "--port", "1", "--reduce-dataset", "0.01",
                              "--measurements", (dir / "m.json").string()});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("cannot connect to 127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "m.json"));
}

TEST(CliRemote, ServerRefusesToListenBeyondLoopbackWithoutAToken) {
  const auto r = run_kenning({"server", "--cfg", kServerScenario, "--host", "0.0.0.0", "--port", "0"}, 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("needs a token"), std::string::npos) << r.err;
}

TEST(CliRemote, ServerNeedsRuntimeAndProtocol) {
  const auto r = run_kenning({"server", "--runtime-cls", "ONNXExecRuntime"}, 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("missing 'protocol' block"), std::string::npos) << r.err;
}

TEST(CliRemote, ListAndInfoShowTheProtocols) {
  const auto list = run_kenning({"list", "protocols"}, 60);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("NetworkProtocol"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("UARTProtocol"), std::string::npos) << list.out;
  const auto info = run_kenning({"info", "kenning.protocols.network.NetworkProtocol"}, 60);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  for (const char* s : {"packet_size / --packet-size", "default: 1048564", "token / --token", "max_message_size"}) {
    EXPECT_NE(info.out.find(s), std::string::npos) << s << "\n" << info.out;
  }
}
