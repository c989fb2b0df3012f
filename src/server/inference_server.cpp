#include "server/inference_server.h"

#include <fstream>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "protocols/io_spec_payload.h"
#include "protocols/log_entries.h"
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

// A refusal that keeps the session: the host gets a FAIL reply, the reason goes to our log and its LOGS.
class Refusal : public Error {
 public:
  using Error::Error;
};

constexpr std::uint16_t kOk = flag::kIsKenning | flag::kSuccess;
constexpr std::uint16_t kFailed = flag::kIsKenning | flag::kFail;

// Upstream's reply to an upload or a PROCESS: same type, the action byte.
void reply_action(protocol::Channel& c, MessageType type, bool ok) {
  c.send(type, FlowControl::Transmission, protocol::encode_action(protocol::action_for(type)), ok ? kOk : kFailed);
}

// Tells the host why, as upstream's target does: a LOGS transmission it prints.
void send_log(protocol::Channel& c, const char* level, const std::string& text) {
  const protocol::LogEntry entry{level, text};
  c.send(MessageType::Logs, FlowControl::Transmission, protocol::encode_log_entries({&entry, 1}), flag::kIsKenning);
}

std::span<const std::byte> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
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
  bool goodbye = false;          // the client ended the session (PING + FAIL)
  bool spec_was_struct = false;  // an upstream serial host, which reads STATS as binary records
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
  const std::string peer = channel.transport().peer();
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
      // Upstream's hosts send no acknowledgements; one carries nothing to act on (and, unlike
      // upstream's target, we keep answering after it).
      if (m.flow == FlowControl::Acknowledge || m.flow == FlowControl::RequestRetransmit) {
        spdlog::debug("{}: ignoring {}", peer, protocol::flow_control_name(m.flow));
        continue;
      }
      try {
        if (!m.defect.empty()) throw Refusal(m.defect);
        if (m.flow != FlowControl::Request) {
          throw Refusal(std::string(protocol::message_type_name(m.type)) + ": a host sends REQUESTs, got a " +
                        protocol::flow_control_name(m.flow));
        }
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
        // Refusals, bad specs and runtime failures: the host hears FAIL and may go on.
        spdlog::warn("{}: {}: {}", peer, protocol::message_type_name(m.type), e.what());
        send_log(channel, "ERROR", e.what());
        reply_action(channel, m.type, false);
      }
    }
  } catch (const std::exception& e) {
    summary.end_reason = e.what();
    summary.inferences = s.inferences;
    spdlog::warn("{}: session ended: {}", peer, e.what());
    // Last words: the link may already be gone.
    try {
      send_log(channel, "ERROR", e.what());
    } catch (const std::exception&) {
    }
    channel.transport().close();
    return summary;
  }
}

void InferenceServer::handle(protocol::Channel& channel, const Message& m, Session& s) {
  if (!s.authorized && m.type != MessageType::Ping) {
    reply_action(channel, m.type, false);
    throw ProtocolError(std::string(protocol::message_type_name(m.type)) + " before a PING with the access token");
  }
  switch (m.type) {
    case MessageType::Ping: {
      if (m.has(flag::kFail)) {  // upstream's serial goodbye, answered as its serial targets do
        channel.send(MessageType::Ping, FlowControl::Transmission, {}, kOk);
        s.goodbye = true;
        return;
      }
      if (!token_.empty()) {
        const std::string given(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
        if (given != token_) {
          channel.send(MessageType::Ping, FlowControl::Transmission, {}, kFailed);
          throw ProtocolError("PING: wrong or missing access token");
        }
        s.authorized = true;
      }
      channel.send(MessageType::Ping, FlowControl::Transmission, {}, kOk);
      return;
    }
    case MessageType::IoSpec: {
      s.spec = protocol::parse_io_spec_payload(m.payload);
      s.spec_was_struct = protocol::is_io_spec_struct(m.payload);
      s.model_ready = false;
      s.inputs.clear();
      s.has_output = false;
      reply_action(channel, m.type, true);
      return;
    }
    case MessageType::Model:
      receive_model(m, s);
      reply_action(channel, m.type, true);
      return;
    case MessageType::Data:
      // A refused DATA leaves no input behind for a following PROCESS.
      s.inputs.clear();
      s.has_output = false;
      if (!s.spec) throw Refusal("DATA before IO_SPEC");
      if (!s.model_ready) throw Refusal("DATA before a model was loaded (send IO_SPEC, then MODEL)");
      s.inputs = protocol::split_tensors(m.payload, s.spec->model_inputs(), "DATA");
      reply_action(channel, m.type, true);
      return;
    case MessageType::Process: {
      if (!s.model_ready) throw Refusal("PROCESS before a model was loaded");
      if (s.inputs.empty()) throw Refusal("PROCESS without new input: each PROCESS consumes the last DATA");
      std::vector<TensorView> views;
      for (const auto& t : s.inputs) views.push_back(t.view());
      runtime_.load_input(views);
      if (!m.payload.empty()) {
        run_benchmark(m, s);
      } else {
        const auto t0 = Clock::now();
        runtime_.run();
        s.stats.append_timed(keys::target_inference_step, std::chrono::duration<double>(Clock::now() - t0).count(),
                             unix_time_now());
        ++s.inferences;
      }
      s.inputs.clear();
      s.has_output = true;
      reply_action(channel, m.type, true);
      return;
    }
    case MessageType::Output: {
      if (!s.has_output) throw Refusal("OUTPUT before PROCESS");
      channel.send(MessageType::Output, FlowControl::Transmission, protocol::concat_tensors(runtime_.extract_output()),
                   kOk);
      return;
    }
    case MessageType::Stats: {
      // Upstream's serial host parses a non-empty STATS as binary records; it gets none.
      const std::string stats = s.spec_was_struct ? std::string() : s.stats.data().dump();
      channel.send(MessageType::Stats, FlowControl::Transmission, as_bytes(stats), kOk);
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
  s.stats.set(keys::target_benchmark,
              {{"runs_requested", runs}, {"runs", done}, {"warmup", warmup}, {"truncated", done < runs}});
  if (done < runs) {
    spdlog::warn("benchmark stopped after {} of {} runs: the client's timeout would have passed", done, runs);
  }
}

void InferenceServer::handle_optimization(protocol::Channel& channel, const Message& m, Session& s) {
  switch (m.type) {
    case MessageType::Optimizers:
      s.optimization.set_request(m.payload, optimizers_, model_dir_);
      reply_action(channel, m.type, true);
      return;
    case MessageType::UnoptimizedModel:
      if (m.payload.size() > limits_.max_model_size) {
        throw Refusal("UNOPTIMIZED_MODEL: " + std::to_string(m.payload.size()) +
                      " bytes exceed the server's max model size " + std::to_string(limits_.max_model_size));
      }
      s.optimization.set_model(m.payload, model_dir_);
      reply_action(channel, m.type, true);
      return;
    default:
      channel.send(MessageType::OptimizeModel, FlowControl::Transmission, s.optimization.run(s.stats), kOk);
      return;
  }
}

}  // namespace kenning
