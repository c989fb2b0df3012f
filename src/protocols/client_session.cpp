#include "protocols/client_session.h"

#include <fstream>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "protocols/io_spec_payload.h"
#include "protocols/log_entries.h"

namespace kenning::protocol {

namespace {

std::span<const std::byte> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

void log_target_entry(const std::string& peer, const LogEntry& e) {
  const auto level = e.level == "ERROR" || e.level == "CRITICAL" ? spdlog::level::err
                     : e.level == "WARNING"                      ? spdlog::level::warn
                     : e.level == "DEBUG"                        ? spdlog::level::debug
                                                                 : spdlog::level::info;
  spdlog::log(level, "target {}: {}", peer, e.message);
}

}  // namespace

void ClientSession::fail(const char* what, const std::string& why) const {
  std::string message = "target " + channel_.transport().peer() + ": " + what + ": " + why;
  if (!last_target_error_.empty()) message += " (the target logged: " + last_target_error_ + ")";
  throw ProtocolError(message);
}

Message ClientSession::await_reply(MessageType type, const char* what, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) fail(what, "no reply within " + std::to_string(timeout.count()) + " ms");
    Message m = channel_.receive(left);
    if (m.type == MessageType::Logs && m.flow == FlowControl::Transmission) {
      for (const auto& e : decode_log_entries(m.payload)) {
        log_target_entry(channel_.transport().peer(), e);
        if (e.level == "ERROR" || e.level == "CRITICAL") last_target_error_ = e.message;
      }
      continue;
    }
    if (m.type == MessageType::Ping && type != MessageType::Ping && m.flow == FlowControl::Transmission) {
      continue;  // a late answer to a PING already retried and answered
    }
    if (m.flow == FlowControl::Acknowledge) {  // harmless, as for upstream's host
      spdlog::warn("target {}: unexpected {} ACKNOWLEDGE while waiting for {}", channel_.transport().peer(),
                   message_type_name(m.type), message_type_name(type));
      continue;
    }
    if (m.type != type || m.flow != FlowControl::Transmission || !m.defect.empty()) {
      fail(what, std::string("unexpected ") + message_type_name(m.type) + " " + flow_control_name(m.flow) +
                     (m.defect.empty() ? "" : " (" + m.defect + ")"));
    }
    return m;
  }
}

Message ClientSession::exchange(MessageType type, std::span<const std::byte> payload, const char* what) {
  last_target_error_.clear();
  channel_.send(type, FlowControl::Request, payload);
  Message m = await_reply(type, what, channel_.options().timeout);
  if (m.has(flag::kFail)) fail(what, "refused");
  if (!m.has(flag::kSuccess)) fail(what, "reply carries neither SUCCESS nor FAIL");
  return m;
}

void ClientSession::exchange_status(MessageType type, std::span<const std::byte> payload, const char* what) {
  const Message m = exchange(type, payload, what);
  // Upstream's host checks the action only on Kenning's own targets.
  if (!m.has(flag::kIsKenning)) {
    if (m.has(flag::kIsZephyr)) return;
    fail(what, "reply carries neither IS_KENNING nor IS_ZEPHYR");
  }
  const auto action = decode_action(m.payload);
  if (action != action_for(type)) {
    fail(what, "reply names server action " +
                   (action ? std::to_string(static_cast<int>(*action)) : std::string("(none)")) + ", expected " +
                   std::to_string(static_cast<int>(action_for(type))));
  }
}

void ClientSession::ping(std::uint16_t flags, std::span<const std::byte> payload, int attempts,
                         std::chrono::milliseconds per_attempt, const char* what) {
  if (per_attempt.count() <= 0) per_attempt = channel_.options().timeout;
  for (int attempt = 1;; ++attempt) {
    last_target_error_.clear();
    channel_.send(MessageType::Ping, FlowControl::Request, payload, flags);
    Message m;
    try {
      m = await_reply(MessageType::Ping, what, per_attempt);
    } catch (const ProtocolError&) {
      // Only a silent line is worth another try; a closed one is not.
      if (attempt >= attempts || channel_.transport().closed()) throw;
      spdlog::debug("target {}: no PING reply, trying again ({} of {})", channel_.transport().peer(), attempt + 1,
                    attempts);
      continue;
    }
    if (m.has(flag::kFail)) fail(what, "refused");
    return;
  }
}

void ClientSession::hello(const std::string& token, int attempts, std::chrono::milliseconds per_attempt) {
  ping(flag::kSuccess, as_bytes(token), attempts, per_attempt, "connecting");
}

void ClientSession::goodbye(int attempts, std::chrono::milliseconds per_attempt) {
  ping(flag::kFail, {}, attempts, per_attempt, "closing the session");
}

void ClientSession::upload_io_specification(const IOSpec& spec) {
  if (io_spec_form_ == IoSpecForm::StructWhereItFits) {
    if (const auto packed = io_spec_struct_payload(spec)) {
      exchange_status(MessageType::IoSpec, *packed, "uploading the I/O specification");
      return;
    }
  }
  exchange_status(MessageType::IoSpec, as_bytes(io_spec_json_payload(spec)), "uploading the I/O specification");
}

std::vector<std::byte> ClientSession::read_file(const std::filesystem::path& model) const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(model, ec);
  if (ec) throw IoError(model.string() + ": cannot read model file: " + ec.message());
  if (size > channel_.options().max_message_size) {
    throw ConfigError(model.string() + ": " + std::to_string(size) + " bytes exceed the protocol's max_message_size " +
                      std::to_string(channel_.options().max_message_size));
  }
  std::ifstream in(model, std::ios::binary);
  std::vector<std::byte> bytes(size);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    throw IoError(model.string() + ": cannot read model file");
  }
  return bytes;
}

void ClientSession::upload_model(const std::filesystem::path& model) {
  exchange_status(MessageType::Model, read_file(model), "uploading the model");
}

void ClientSession::upload_input(std::span<const std::byte> data) {
  exchange_status(MessageType::Data, data, "uploading input");
}

void ClientSession::request_processing() { exchange_status(MessageType::Process, {}, "processing"); }

std::vector<std::byte> ClientSession::download_output() {
  return std::move(exchange(MessageType::Output, {}, "downloading output").payload);
}

std::vector<std::byte> ClientSession::infer(std::span<const std::byte> data) {
  upload_input(data);
  request_processing();
  return download_output();
}

void ClientSession::benchmark(std::size_t runs, std::size_t warmup) {
  const std::string request = nlohmann::json{{"runs", runs}, {"warmup", warmup}}.dump();
  exchange_status(MessageType::Process, as_bytes(request), "running the target-side benchmark");
}

std::vector<std::byte> ClientSession::optimize_model(const nlohmann::json& request,
                                                     const std::filesystem::path& model) {
  exchange_status(MessageType::Optimizers, as_bytes(request.dump()), "uploading the optimizers");
  exchange_status(MessageType::UnoptimizedModel, read_file(model), "uploading the unoptimized model");
  return std::move(exchange(MessageType::OptimizeModel, {}, "optimizing the model on the target").payload);
}

nlohmann::json ClientSession::download_statistics() {
  const Message m = exchange(MessageType::Stats, {}, "downloading statistics");
  if (m.payload.empty()) return nlohmann::json::object();
  const auto* text = reinterpret_cast<const char*>(m.payload.data());
  auto stats = nlohmann::json::parse(text, text + m.payload.size(), nullptr, false);
  if (stats.is_discarded() || !stats.is_object()) fail("downloading statistics", "not a JSON object");
  return stats;
}

}  // namespace kenning::protocol
