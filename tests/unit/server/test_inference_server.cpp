// The target's session loop with a stand-in runtime: the full exchange, the
// order it enforces, limits, tokens and garbage, over the in-memory pipe and
// through NetworkProtocol on loopback TCP.
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "protocols/client_session.h"
#include "copy_optimizer.h"
#include "server/inference_server.h"
#include "kenning/core/error.h"
#include "protocols/listener.h"
#include "protocols/memory_transport.h"
#include "protocols/network_protocol.h"
#include "protocols/server_status.h"
#include "protocols/tensor_payload.h"

using namespace kenning;
using namespace kenning::protocol;
using namespace std::chrono_literals;

namespace {

// Adds one to every float; remembers the model file it was given.
class AddOneRuntime : public Runtime {
 public:
  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::filesystem::path save_model_path() const override { return {}; }
  std::string framework() const override { return "add-one"; }
  std::string framework_version() const override { return "1"; }
  void prepare_model(const std::filesystem::path& model, const IOSpec&) override {
    std::ifstream in(model, std::ios::binary);
    model_bytes.assign(std::istreambuf_iterator<char>(in), {});
    model_path = model;
  }
  void load_input(std::span<const TensorView> inputs) override {
    input = Tensor(inputs[0].dtype(), inputs[0].shape());
    std::copy(inputs[0].bytes().begin(), inputs[0].bytes().end(), input.bytes().begin());
  }
  void run() override { ++runs; }
  std::vector<Tensor> extract_output() override {
    Tensor out(DType::Float32, input.shape());
    for (std::size_t i = 0; i < out.data<float>().size(); ++i) out.data<float>()[i] = input.data<float>()[i] + 1;
    std::vector<Tensor> v;
    v.push_back(std::move(out));
    return v;
  }
  std::string model_bytes;
  std::filesystem::path model_path;
  Tensor input{DType::Float32, {0}};
  int runs = 0;
};

IOSpec spec_2_floats() {
  IOSpec s;
  TensorSpec t;
  t.name = "x";
  t.shape = {-1, 2};
  s.input.push_back(t);
  t.name = "y";
  s.output.push_back(t);
  return s;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("kenning-server-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

std::filesystem::path write_model(const std::filesystem::path& dir, const std::string& text) {
  const auto p = dir / "client-model.onnx";
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

ChannelOptions options(bool /*host*/) {
  ChannelOptions o;
  o.packet_size = 64;
  o.timeout = 2000ms;
  return o;
}

std::vector<std::byte> floats(std::initializer_list<float> v) {
  std::vector<std::byte> out(v.size() * 4);
  std::memcpy(out.data(), std::data(v), out.size());
  return out;
}

struct ServerThread {
  AddOneRuntime runtime;
  std::filesystem::path dir;
  std::unique_ptr<Transport> client_end, server_end;
  std::unique_ptr<Channel> client;
  std::future<SessionSummary> session;

  explicit ServerThread(const std::string& name, ServerLimits limits = {}, std::string token = "")
      : dir(temp_dir(name)) {
    auto pipe = make_memory_pipe();
    client_end = std::move(pipe.first);
    server_end = std::move(pipe.second);
    client = std::make_unique<Channel>(*client_end, options(true));
    session = std::async(std::launch::async, [this, limits, token] {
      Channel c(*server_end, options(false));
      InferenceServer server(runtime, dir / "models", limits, token);
      std::filesystem::create_directories(dir / "models");
      return server.serve(c);
    });
  }
  ~ServerThread() {
    client_end->close();
    if (session.valid()) session.wait();
    std::filesystem::remove_all(dir);
  }
  SessionSummary finish() {
    client_end->close();
    return session.get();
  }
};

}  // namespace

TEST(InferenceServer, RunsTheFullSessionAndReportsTargetTimes) {
  ServerThread t("full");
  ClientSession c(*t.client);
  c.hello("");
  c.upload_io_specification(spec_2_floats());
  c.upload_model(write_model(t.dir, "model-bytes"));
  EXPECT_EQ(t.runtime.model_bytes, "model-bytes");
  EXPECT_EQ(t.runtime.model_path, t.dir / "models" / "model.onnx") << "the server names the file, not the client";
  EXPECT_FALSE(std::filesystem::exists(t.dir / "models" / "model.upload.tmp"));
  for (int i = 0; i < 3; ++i) {
    c.upload_input(floats({1.5f, float(i), 10, 20}));  // batch of 2
    c.request_processing();
    const auto out = c.download_output();
    const auto tensors = split_tensors(out, spec_2_floats().output, "OUTPUT");
    ASSERT_EQ(tensors[0].shape(), (Shape{2, 2}));
    EXPECT_FLOAT_EQ(tensors[0].data<float>()[0], 2.5f);
    EXPECT_FLOAT_EQ(tensors[0].data<float>()[1], float(i) + 1);
  }
  const auto stats = c.download_statistics();
  ASSERT_EQ(stats.at("target_inference_step").size(), 3u) << stats.dump();
  EXPECT_EQ(stats.at("target_inference_step_timestamp").size(), 3u);
  EXPECT_EQ(stats.at("runtime_framework"), "add-one");
  const auto summary = t.finish();
  EXPECT_TRUE(summary.clean) << summary.end_reason;
  EXPECT_EQ(summary.inferences, 3u);
}

TEST(InferenceServer, OutOfOrderRequestsGetAFailReplyAndTheSessionGoesOn) {
  ServerThread t("order");
  ClientSession c(*t.client);
  c.hello("");
  try {
    c.upload_input(floats({1, 2}));
    FAIL() << "DATA before IO_SPEC and MODEL was accepted";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("DATA before IO_SPEC"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.request_processing(), ProtocolError);
  EXPECT_THROW(c.download_output(), ProtocolError);
  try {
    c.upload_model(write_model(t.dir, "m"));
    FAIL() << "MODEL before IO_SPEC was accepted";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("MODEL before IO_SPEC"), std::string::npos) << e.what();
  }
  // The same session still works once the order is right.
  c.upload_io_specification(spec_2_floats());
  c.upload_model(write_model(t.dir, "m"));
  EXPECT_THROW(c.upload_input(floats({1, 2, 3})), ProtocolError) << "3 floats are not whole samples of 2";
  c.upload_input(floats({1, 2}));
  c.request_processing();
  EXPECT_EQ(c.download_output().size(), 8u);
  EXPECT_EQ(t.finish().inferences, 1u);
}

TEST(InferenceServer, RefusesAModelAboveItsLimit) {
  ServerLimits limits;
  limits.max_model_size = 10;
  ServerThread t("limit", limits);
  ClientSession c(*t.client);
  c.hello("");
  c.upload_io_specification(spec_2_floats());
  try {
    c.upload_model(write_model(t.dir, std::string(11, 'x')));
    FAIL() << "an 11-byte model passed a 10-byte limit";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("max model size"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(t.runtime.model_bytes.empty());
  t.finish();
}

TEST(InferenceServer, GarbageIsLoggedToTheHostAndEndsTheSession) {
  ServerThread t("garbage");
  std::vector<std::byte> junk(40, std::byte{0x5A});
  t.client_end->write(junk, 1s);
  // The server says why in a LOGS transmission before dropping the link.
  const Message m = t.client->receive();
  EXPECT_EQ(m.type, MessageType::Logs);
  EXPECT_EQ(m.flow, FlowControl::Transmission);
  const auto summary = t.session.get();
  EXPECT_FALSE(summary.clean);
  EXPECT_NE(summary.end_reason.find("unknown message type"), std::string::npos) << summary.end_reason;
}

TEST(InferenceServer, AcknowledgementsAndTransmissionsFromTheHostDoNotSilenceIt) {
  ServerThread t("ack");
  ClientSession c(*t.client);
  c.upload_io_specification(spec_2_floats());
  // Upstream's target stops answering after a positive ACKNOWLEDGE; ours ignores it.
  FrameHeader ack;
  ack.type = MessageType::IoSpec;
  ack.flow = FlowControl::Acknowledge;
  ack.flags = flag::kSuccess | flag::kIsKenning;
  t.client_end->write(encode_frame(ack, {}), 1s);
  // A TRANSMISSION from the host is refused with FAIL of its own type.
  t.client->send(MessageType::Model, FlowControl::Transmission, floats({1}));
  Message m;
  do {
    m = t.client->receive();
  } while (m.type == MessageType::Logs);
  EXPECT_EQ(m.type, MessageType::Model);
  EXPECT_TRUE(m.has(flag::kFail));
  c.upload_model(write_model(t.dir, "m"));
  EXPECT_EQ(c.infer(floats({1, 2})).size(), 8u);
  EXPECT_TRUE(t.finish().clean);
}

TEST(InferenceServer, TokenIsRequiredBeforeAnythingElse) {
  {
    ServerThread t("token-missing", {}, "s3cret");
    ClientSession c(*t.client);
    EXPECT_THROW(c.upload_io_specification(spec_2_floats()), ProtocolError);
    EXPECT_FALSE(t.session.get().clean);
  }
  {
    ServerThread t("token-wrong", {}, "s3cret");
    ClientSession c(*t.client);
    EXPECT_THROW(c.hello("guess"), ProtocolError);
    EXPECT_NE(t.session.get().end_reason.find("token"), std::string::npos);
  }
  {
    ServerThread t("token-right", {}, "s3cret");
    ClientSession c(*t.client);
    c.hello("s3cret");
    c.upload_io_specification(spec_2_floats());
    EXPECT_TRUE(t.finish().clean);
  }
}

TEST(InferenceServer, IdleClientIsDroppedAfterTheTimeout) {
  ServerLimits limits;
  limits.idle_timeout = 100ms;
  ServerThread t("idle", limits);
  const auto summary = t.session.get();
  EXPECT_FALSE(summary.clean);
  EXPECT_NE(summary.end_reason.find("timeout"), std::string::npos) << summary.end_reason;
}

TEST(NetworkProtocol, ServesClientsOneAfterAnotherOnLoopback) {
  NetworkProtocol::Params p;
  p.port = 0;
  p.timeout = 5;
  // The target side of the same parameters, as `kenning server` builds it.
  const auto server_side = make_listener(NetworkProtocol(p));
  server_side->listen();
  const auto endpoint = server_side->endpoint();
  ASSERT_EQ(endpoint.rfind("127.0.0.1:", 0), 0u) << endpoint;
  const int port = std::stoi(endpoint.substr(10));
  ASSERT_GT(port, 0);

  AddOneRuntime runtime;
  const auto dir = temp_dir("tcp");
  auto served = std::async(std::launch::async, [&] {
    InferenceServer server(runtime, dir, {}, "");
    std::vector<SessionSummary> sessions;
    for (int i = 0; i < 2; ++i) sessions.push_back(server.serve(server_side->accept()->channel()));
    return sessions;
  });

  p.port = port;
  for (int client_no = 0; client_no < 2; ++client_no) {
    NetworkProtocol client(p);
    client.initialize_client();
    client.upload_io_specification(spec_2_floats());
    client.upload_model(write_model(dir, "tcp-model"));
    client.upload_input(floats({1, 2, 3, 4}));
    client.request_processing();
    const auto out = client.download_output();
    ASSERT_EQ(out.size(), 16u);
    float first;
    std::memcpy(&first, out.data(), 4);
    EXPECT_FLOAT_EQ(first, 2.0f);
    EXPECT_EQ(client.download_statistics(true).at("target_inference_step").size(), 1u);
    client.disconnect();
  }
  const auto sessions = served.get();
  for (const auto& s : sessions) EXPECT_TRUE(s.clean) << s.end_reason;
  std::filesystem::remove_all(dir);
}

TEST(NetworkProtocol, RefusesToListenBeyondLoopbackWithoutAToken) {
  NetworkProtocol::Params p;
  p.host = "0.0.0.0";
  p.port = 0;
  const auto server_side = make_listener(NetworkProtocol(p));
  try {
    server_side->listen();
    FAIL() << "listened on all interfaces without a token";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("token"), std::string::npos) << e.what();
  }
}

TEST(InferenceServer, InferenceOneRequestAtATimeSurvivesARefusal) {
  ServerThread t("one-at-a-time");
  ClientSession c(*t.client);
  c.hello("");
  c.upload_io_specification(spec_2_floats());
  c.upload_model(write_model(t.dir, "m"));
  for (int i = 0; i < 5; ++i) {
    const auto tensors = split_tensors(c.infer(floats({float(i), 1})), spec_2_floats().output, "OUTPUT");
    EXPECT_FLOAT_EQ(tensors[0].data<float>()[0], float(i) + 1);
    EXPECT_FLOAT_EQ(tensors[0].data<float>()[1], 2);
  }
  // A refused DATA: the client stops there (no stale input is run), the
  // error names the refusal, the session goes on.
  try {
    c.infer(floats({1, 2, 3}));
    FAIL() << "3 floats are not whole samples of 2";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("uploading input"), std::string::npos) << e.what();
  }
  EXPECT_EQ(t.runtime.runs, 5) << "nothing ran for the refused batch";
  EXPECT_EQ(c.infer(floats({7, 8})).size(), 8u);
  EXPECT_EQ(c.download_statistics().at("target_inference_step").size(), 6u);
  EXPECT_EQ(t.finish().inferences, 6u);
}

TEST(InferenceServer, BenchmarkModeTimesRepeatedRunsOfOneInput) {
  ServerThread t("benchmark");
  ClientSession c(*t.client);
  c.hello("");
  c.upload_io_specification(spec_2_floats());
  c.upload_model(write_model(t.dir, "m"));
  EXPECT_THROW(c.benchmark(10, 2), ProtocolError) << "no input uploaded yet";
  c.upload_input(floats({1, 2}));
  c.benchmark(50, 7);
  EXPECT_EQ(t.runtime.runs, 57) << "7 warm-ups and 50 timed runs";
  // The output of the last run can still be downloaded.
  EXPECT_EQ(c.download_output().size(), 8u);
  const auto stats = c.download_statistics();
  EXPECT_EQ(stats.at("target_benchmark_step").size(), 50u);
  EXPECT_EQ(stats.at("target_benchmark").at("warmup"), 7);
  EXPECT_EQ(stats.at("target_benchmark").at("truncated"), false);
  EXPECT_FALSE(stats.contains("target_inference_step")) << "benchmark runs are kept apart from the test set's";
  EXPECT_EQ(t.finish().inferences, 0u);
}

TEST(InferenceServer, BenchmarkRequestsAreBounded) {
  ServerLimits limits;
  limits.max_benchmark_runs = 100;
  ServerThread t("benchmark-bounds", limits);
  ClientSession c(*t.client);
  c.hello("");
  c.upload_io_specification(spec_2_floats());
  c.upload_model(write_model(t.dir, "m"));
  c.upload_input(floats({1, 2}));
  const auto refusal = [&](std::size_t runs, std::size_t warmup) {
    try {
      c.benchmark(runs, warmup);
    } catch (const ProtocolError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refusal(101, 0).find("'runs' must be an integer from 0 to 100"), std::string::npos) << refusal(101, 0);
  EXPECT_NE(refusal(0, 0).find("at least 1"), std::string::npos);
  EXPECT_NE(refusal(1, 1000).find("'warmup'"), std::string::npos);
  EXPECT_EQ(t.runtime.runs, 0);
  EXPECT_EQ(refusal(100, 100), "accepted");
  t.finish();
}

TEST(InferenceServer, GoodbyeEndsTheSessionCleanly) {
  ServerThread t("goodbye");
  ClientSession c(*t.client);
  c.hello("");
  c.goodbye();
  const auto summary = t.session.get();
  EXPECT_TRUE(summary.clean);
  EXPECT_EQ(summary.end_reason, "client said goodbye");
}

TEST(InferenceServer, WithoutOptimizersTargetSideOptimizationIsRefused) {
  ServerThread t("no-optimizers");
  ClientSession c(*t.client);
  c.hello("");
  const nlohmann::json request = {{"prev_block", {{"io_spec", spec_2_floats().to_json()}}},
                                  {"optimizers", {{{"type", "ONNXGraphOptimizer"}}}}};
  try {
    c.optimize_model(request, write_model(t.dir, "m"));
    FAIL() << "a server without optimizers accepted OPTIMIZERS";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("runs no optimizers"), std::string::npos) << e.what();
  }
  t.finish();
}

TEST(InferenceServer, OptimizesOnTheTargetInsideItsModelFolderOnly) {
  std::vector<std::filesystem::path> paths;
  const auto dir = temp_dir("target-optimization");
  const auto models = dir / "models";
  std::filesystem::create_directories(models);
  auto pipe = make_memory_pipe();
  AddOneRuntime runtime;
  auto session = std::async(std::launch::async, [&] {
    Channel c(*pipe.second, options(false));
    return InferenceServer(runtime, models, ServerLimits{}, "", kenning::testing::copy_optimizer_factory(paths))
        .serve(c);
  });
  Channel channel(*pipe.first, options(true));
  ClientSession c(channel);
  c.hello("");
  const auto model = write_model(dir, "unoptimized-model-bytes");
  // Paths from the client: an escape upwards, an absolute one, a hostile extension.
  nlohmann::json request = {
      {"prev_block",
       {{"model_path", "/somewhere/cnn.onnx"}, {"model_type", "onnx"}, {"io_spec", spec_2_floats().to_json()}}},
      {"optimizers",
       {{{"type", "copy"}, {"parameters", {{"compiled_model_path", "../../escaped.onnx"}, {"location", "target"}}}},
        {{"type", "copy"}, {"parameters", {{"compiled_model_path", "/etc/kenning-owned.onnx"}}}},
        {{"type", "copy"}, {"parameters", {{"compiled_model_path", "x.on/../nx"}}}}}}};
  const auto compiled = c.optimize_model(request, model);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(compiled.data()), compiled.size()), "unoptimized-model-bytes");
  ASSERT_EQ(paths.size(), 3u);
  for (const auto& p : paths) {
    EXPECT_EQ(p.parent_path(), models) << p;
    EXPECT_EQ(p.string().find(".."), std::string::npos) << p;
  }
  EXPECT_EQ(paths[0].filename(), "optimized-0.onnx");
  EXPECT_EQ(paths[2].filename(), "optimized-2.bin") << "an odd extension is not taken over";
  EXPECT_FALSE(std::filesystem::exists(dir / "escaped.onnx"));
  const auto stats = c.download_statistics();
  EXPECT_EQ(stats.at("target_optimizers").size(), 3u);
  EXPECT_EQ(stats.at("optimized_io_spec").at("output").at(0).at("name"), "copied");

  // Refusals keep the session: unknown class, too many optimizers, one that
  // needs calibration data the target does not have, OPTIMIZE_MODEL early.
  const auto refusal = [&](const nlohmann::json& r) {
    try {
      c.optimize_model(r, model);
    } catch (const ProtocolError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  auto bad = request;
  bad["optimizers"] = {{{"type", "nope"}, {"parameters", nlohmann::json::object()}}};
  EXPECT_NE(refusal(bad).find("unknown optimizer 'nope'"), std::string::npos) << refusal(bad);
  bad["optimizers"] = nlohmann::json::array();
  for (int i = 0; i < 17; ++i)
    bad["optimizers"].push_back({{"type", "copy"}, {"parameters", nlohmann::json::object()}});
  EXPECT_NE(refusal(bad).find("at most 16"), std::string::npos) << refusal(bad);
  bad["optimizers"] = {{{"type", "calibrated-copy"}, {"parameters", nlohmann::json::object()}}};
  EXPECT_NE(refusal(bad).find("needs calibration data"), std::string::npos) << refusal(bad);
  bad = {{"optimizers", request["optimizers"]}};
  EXPECT_NE(refusal(bad).find("prev_block.io_spec"), std::string::npos) << refusal(bad);
  pipe.first->close();
  EXPECT_TRUE(session.get().clean);
  std::filesystem::remove_all(dir);
}
