#include "server/inference_server.h"

#include <fstream>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "protocols/server_status.h"
#include "protocols/tensor_payload.h"
#include "kenning/measurement/keys.h"

namespace kenning {

using protocol::FlowControl;
using protocol::Message;
using protocol::MessageType;
using protocol::ServerAction;
namespace flag = protocol::flag;

namespace {

using Clock = std::chrono::steady_clock;

// A refusal that keeps the session: the client gets a FAIL STATUS saying why.
class Refusal : public Error {
 public:
  using Error::Error;
};

ServerAction action_for(MessageType type) {
  switch (type) {
    case MessageType::Ping: return ServerAction::ClientConnected;
    case MessageType::IoSpec: return ServerAction::UploadingIoSpec;
    case MessageType::Model: return ServerAction::UploadingModel;
    case MessageType::Data: return ServerAction::UploadingInput;
    case MessageType::Process: return ServerAction::ProcessingInput;
    case MessageType::Output: return ServerAction::ExtractingOutput;
    case MessageType::Stats: return ServerAction::ComputingStatistics;
    case MessageType::Optimizers: return ServerAction::UploadingOptimizers;
    case MessageType::OptimizeModel: return ServerAction::OptimizingModel;
    case MessageType::UnoptimizedModel: return ServerAction::UploadingUnoptimizedModel;
    case MessageType::Runtime: return ServerAction::UploadingRuntime;
    default: return ServerAction::Idle;
  }
}

// Replies do not wait for their acknowledgement: it is settled when the
// channel next reads, so a client that pipelines its requests is answered
// without a round trip per reply.
void reply_status(protocol::Channel& c, ServerAction action, const std::string& error = "") {
  c.send_async(MessageType::Status, protocol::encode_status({action, error}),
               error.empty() ? flag::kSuccess : flag::kFail);
}

std::span<const std::byte> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

void expect_flow(const Message& m, FlowControl flow) {
  if (m.flow != flow) {
    throw Refusal(std::string(protocol::message_type_name(m.type)) + ": expected a " +
                  protocol::flow_control_name(flow) + ", got a " + protocol::flow_control_name(m.flow));
  }
}

}  // namespace

struct InferenceServer::Session {
  bool authorized = false;
  std::optional<IOSpec> spec;
  bool model_ready = false;
  std::vector<Tensor> inputs;
  bool has_output = false;
  std::size_t inferences = 0;
  Measurements stats;
  bool goodbye = false;  // the client ended the session (PING + FAIL)
  TargetOptimization optimization;
};

InferenceServer::InferenceServer(Runtime& runtime, std::filesystem::path model_dir, ServerLimits limits,
                                 std::string token, OptimizerFactory optimizers)
    : runtime_(runtime),
      model_dir_(std::move(model_dir)),
      limits_(limits),
      token_(std::move(token)),
      optimizers_(std::move(optimizers)) {}

SessionSummary InferenceServer::serve(protocol::Channel& channel) {
  Session s;
  s.authorized = token_.empty();
  s.stats.set(keys::runtime_framework, runtime_.framework());
  s.stats.set(keys::runtime_version, runtime_.framework_version());
  SessionSummary summary;
  try {
    for (;;) {
      Message m;
      try {
        m = channel.receive(limits_.idle_timeout);
      } catch (const ProtocolError&) {
        if (channel.transport().closed()) {
          summary.end_reason = "client disconnected";
          summary.clean = true;
          summary.inferences = s.inferences;
          return summary;
        }
        throw;
      }
      try {
        handle(channel, m, s);
        if (s.goodbye) {
          summary.end_reason = "client said goodbye";
          summary.clean = true;
          summary.inferences = s.inferences;
          return summary;
        }
      } catch (const ProtocolError&) {
        throw;
      } catch (const std::exception& e) {
        // Refusals, bad specs and runtime failures: the client hears why and may go on.
        spdlog::warn("{}: {}: {}", channel.transport().peer(), protocol::message_type_name(m.type), e.what());
        reply_status(channel, action_for(m.type), e.what());
      }
    }
  } catch (const std::exception& e) {
    summary.end_reason = e.what();
    summary.inferences = s.inferences;
    // Last words: the link may already be gone, so nothing waits for them.
    try {
      channel.post(MessageType::Status, protocol::encode_status({ServerAction::Idle, e.what()}), flag::kFail);
    } catch (const std::exception&) {
    }
    channel.transport().close();
    return summary;
  }
}

void InferenceServer::handle(protocol::Channel& channel, const Message& m, Session& s) {
  // Stray acknowledgements (e.g. of a transmission already settled) carry nothing to act on.
  if (m.flow == FlowControl::Acknowledge || m.flow == FlowControl::RequestRetransmit) return;
  if (!s.authorized && m.type != MessageType::Ping) {
    throw ProtocolError(std::string(protocol::message_type_name(m.type)) + " before a PING with the access token");
  }
  switch (m.type) {
    case MessageType::Ping: {
      if (m.has(flag::kFail)) {  // upstream's goodbye
        s.goodbye = true;
        return;
      }
      if (!token_.empty()) {
        const std::string given(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
        if (given != token_) throw ProtocolError("PING: wrong or missing access token");
        s.authorized = true;
      }
      reply_status(channel, ServerAction::ClientConnected);
      return;
    }
    case MessageType::IoSpec: {
      expect_flow(m, FlowControl::Transmission);
      if (m.has(flag::kSpec1)) throw NotSupported("IO_SPEC: serialized (C struct) I/O specs are not supported; send JSON");
      const auto* text = reinterpret_cast<const char*>(m.payload.data());
      const auto j = nlohmann::json::parse(text, text + m.payload.size(), nullptr, false);
      if (j.is_discarded()) throw Refusal("IO_SPEC: payload is not JSON");
      s.spec = IOSpec::from_json(j, "IO_SPEC");
      s.model_ready = false;
      s.inputs.clear();
      s.has_output = false;
      reply_status(channel, ServerAction::UploadingIoSpec);
      return;
    }
    case MessageType::Model:
      expect_flow(m, FlowControl::Transmission);
      receive_model(m, s);
      reply_status(channel, ServerAction::UploadingModel);
      return;
    case MessageType::Data:
      expect_flow(m, FlowControl::Transmission);
      // A refused DATA leaves no input behind for a following PROCESS.
      s.inputs.clear();
      s.has_output = false;
      if (!s.model_ready) throw Refusal("DATA before a model was uploaded (send IO_SPEC, then MODEL)");
      s.inputs = protocol::split_tensors(m.payload, s.spec->model_inputs(), "DATA");
      s.has_output = false;
      reply_status(channel, ServerAction::UploadingInput);
      return;
    case MessageType::Process: {
      if (s.inputs.empty()) throw Refusal("PROCESS before DATA");
      std::vector<TensorView> views;
      for (const auto& t : s.inputs) views.push_back(t.view());
      runtime_.load_input(views);
      if (m.flow == FlowControl::Transmission) {
        run_benchmark(m, s);
      } else {
        expect_flow(m, FlowControl::Request);
        const auto t0 = Clock::now();
        runtime_.run();
        s.stats.append_timed(keys::target_inference_step, std::chrono::duration<double>(Clock::now() - t0).count(),
                             unix_time_now());
        ++s.inferences;
      }
      s.has_output = true;
      reply_status(channel, ServerAction::ProcessingInput);
      return;
    }
    case MessageType::Output: {
      expect_flow(m, FlowControl::Request);
      if (!s.has_output) throw Refusal("OUTPUT before PROCESS");
      channel.send_async(MessageType::Output, protocol::concat_tensors(runtime_.extract_output()));
      return;
    }
    case MessageType::Stats: {
      expect_flow(m, FlowControl::Request);
      const std::string stats = s.stats.data().dump();
      channel.send_async(MessageType::Stats, as_bytes(stats));
      return;
    }
    case MessageType::Optimizers:
    case MessageType::UnoptimizedModel:
    case MessageType::OptimizeModel:
      handle_optimization(channel, m, s);
      return;
    default:
      throw NotSupported(std::string(protocol::message_type_name(m.type)) + " is not supported by this server");
  }
}

void InferenceServer::receive_model(const Message& m, Session& s) {
  if (!s.spec) throw Refusal("MODEL before IO_SPEC");
  if (m.payload.size() > limits_.max_model_size) {
    throw Refusal("MODEL: " + std::to_string(m.payload.size()) + " bytes exceed the server's max model size " +
                  std::to_string(limits_.max_model_size));
  }
  if (m.payload.empty()) throw Refusal("MODEL: empty model");
  s.model_ready = false;
  // A fixed name in the server's folder: the client names no path. Written
  // whole to a temporary file first, so a runtime never sees half a model.
  const auto formats = runtime_.input_formats();
  const auto final_path = model_dir_ / ("model." + (formats.empty() ? std::string("bin") : formats.front()));
  const auto temp_path = model_dir_ / "model.upload.tmp";
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(m.payload.data()), static_cast<std::streamsize>(m.payload.size()));
    if (!out) throw IoError(temp_path.string() + ": cannot write the uploaded model");
  }
  std::filesystem::rename(temp_path, final_path);
  const auto t0 = Clock::now();
  runtime_.prepare_model(final_path, *s.spec);
  s.stats.set(keys::runtime_prepare_time, std::chrono::duration<double>(Clock::now() - t0).count());
  s.stats.set(keys::target_model_size, m.payload.size());
  s.model_ready = true;
}

}  // namespace kenning

namespace kenning {

void InferenceServer::run_benchmark(const Message& m, Session& s) {
  const auto* text = reinterpret_cast<const char*>(m.payload.data());
  const auto request = nlohmann::json::parse(text, text + m.payload.size(), nullptr, false);
  const auto count = [&](const char* key, std::size_t fallback, std::size_t most) -> std::size_t {
    if (!request.contains(key)) return fallback;
    const auto& v = request[key];
    if (!v.is_number_unsigned() || v.get<std::size_t>() > most) {
      throw Refusal(std::string("PROCESS (benchmark): '") + key + "' must be an integer from 0 to " +
                    std::to_string(most));
    }
    return v.get<std::size_t>();
  };
  if (request.is_discarded() || !request.is_object()) {
    throw Refusal("PROCESS (benchmark): payload must be a JSON object {\"runs\": N, \"warmup\": W}");
  }
  const std::size_t runs = count("runs", 0, limits_.max_benchmark_runs);
  const std::size_t warmup = count("warmup", 0, limits_.max_benchmark_runs);
  if (runs == 0) throw Refusal("PROCESS (benchmark): 'runs' must be at least 1");
  // The client waits for the STATUS at most its timeout: stop in time for it.
  const auto deadline = Clock::now() + limits_.idle_timeout * 8 / 10;
  for (std::size_t i = 0; i < warmup && Clock::now() < deadline; ++i) runtime_.run();
  std::size_t done = 0;
  for (; done < runs && Clock::now() < deadline; ++done) {
    const auto t0 = Clock::now();
    runtime_.run();
    s.stats.append_timed(keys::target_benchmark_step, std::chrono::duration<double>(Clock::now() - t0).count(),
                         unix_time_now());
  }
  s.stats.set(keys::target_benchmark, {{"runs_requested", runs}, {"runs", done}, {"warmup", warmup},
                                   {"truncated", done < runs}});
  if (done < runs) {
    spdlog::warn("benchmark stopped after {} of {} runs: the client's timeout would have passed", done, runs);
  }
}

void InferenceServer::handle_optimization(protocol::Channel& channel, const Message& m, Session& s) {
  switch (m.type) {
    case MessageType::Optimizers:
      expect_flow(m, FlowControl::Transmission);
      s.optimization.set_request(m.payload, optimizers_, model_dir_);
      reply_status(channel, ServerAction::UploadingOptimizers);
      return;
    case MessageType::UnoptimizedModel:
      expect_flow(m, FlowControl::Transmission);
      if (m.payload.size() > limits_.max_model_size) {
        throw Refusal("UNOPTIMIZED_MODEL: " + std::to_string(m.payload.size()) +
                      " bytes exceed the server's max model size " + std::to_string(limits_.max_model_size));
      }
      s.optimization.set_model(m.payload, model_dir_);
      reply_status(channel, ServerAction::UploadingUnoptimizedModel);
      return;
    default: {
      expect_flow(m, FlowControl::Request);
      channel.send_async(MessageType::OptimizeModel, s.optimization.run(s.stats));
      return;
    }
  }
}

}  // namespace kenning
