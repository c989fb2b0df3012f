#include "protocols/client_session.h"

#include <fstream>
#include <iterator>

#include "kenning/core/error.h"
#include "protocols/server_status.h"

namespace kenning::protocol {

namespace {

std::span<const std::byte> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

[[noreturn]] void throw_unexpected(Channel& c, const Message& m, const char* what) {
  if (m.type == MessageType::Status && m.has(flag::kFail)) {
    throw ProtocolError(std::string("target ") + c.transport().peer() + ": " + what +
                        " failed: " + decode_status(m.payload).error);
  }
  throw ProtocolError(std::string("target ") + c.transport().peer() + ": " + what +
                      ": unexpected " + message_type_name(m.type) + " " + flow_control_name(m.flow));
}

}  // namespace

void ClientSession::expect_status(const char* what) {
  const Message m = channel_.receive();
  if (m.type != MessageType::Status || m.flow != FlowControl::Transmission || m.has(flag::kFail)) {
    throw_unexpected(channel_, m, what);
  }
}

void ClientSession::hello(const std::string& token) {
  channel_.send(MessageType::Ping, as_bytes(token), flag::kSuccess);
  expect_status("connecting");
}

void ClientSession::upload_io_specification(const IOSpec& spec) {
  channel_.send(MessageType::IoSpec, as_bytes(spec.to_json().dump()));
  expect_status("uploading the I/O specification");
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
  channel_.send(MessageType::Model, read_file(model));
  expect_status("uploading the model");
}

void ClientSession::upload_input(std::span<const std::byte> data) {
  channel_.send(MessageType::Data, data);
  expect_status("uploading input");
}

void ClientSession::request_processing() {
  channel_.request(MessageType::Process);
  expect_status("processing");
}

std::vector<std::byte> ClientSession::download_output() {
  channel_.request(MessageType::Output);
  Message m = channel_.receive();
  if (m.type != MessageType::Output || m.flow != FlowControl::Transmission) {
    throw_unexpected(channel_, m, "downloading output");
  }
  return std::move(m.payload);
}

std::vector<std::byte> ClientSession::infer(std::span<const std::byte> data) {
  const auto ticket = channel_.send_async(MessageType::Data, data, 0, /*borrowed=*/true);
  channel_.request(MessageType::Process);
  channel_.request(MessageType::Output);
  // All three answers are read even after a refusal, so the session stays
  // in step; the first refusal is the one reported.
  const Message data_status = channel_.receive();
  const Message process_status = channel_.receive();
  Message output = channel_.receive();
  channel_.wait_acknowledged(ticket);
  const auto ok_status = [](const Message& m) {
    return m.type == MessageType::Status && m.flow == FlowControl::Transmission && !m.has(flag::kFail);
  };
  if (!ok_status(data_status)) throw_unexpected(channel_, data_status, "uploading input");
  if (!ok_status(process_status)) throw_unexpected(channel_, process_status, "processing");
  if (output.type != MessageType::Output || output.flow != FlowControl::Transmission) {
    throw_unexpected(channel_, output, "downloading output");
  }
  return std::move(output.payload);
}

void ClientSession::benchmark(std::size_t runs, std::size_t warmup) {
  const std::string request = nlohmann::json{{"runs", runs}, {"warmup", warmup}}.dump();
  channel_.send(MessageType::Process, as_bytes(request));
  expect_status("running the target-side benchmark");
}

std::vector<std::byte> ClientSession::optimize_model(const nlohmann::json& request,
                                                     const std::filesystem::path& model) {
  channel_.send(MessageType::Optimizers, as_bytes(request.dump()));
  expect_status("uploading the optimizers");
  channel_.send(MessageType::UnoptimizedModel, read_file(model));
  expect_status("uploading the unoptimized model");
  channel_.request(MessageType::OptimizeModel);
  Message m = channel_.receive();
  if (m.type != MessageType::OptimizeModel || m.flow != FlowControl::Transmission) {
    throw_unexpected(channel_, m, "optimizing the model on the target");
  }
  return std::move(m.payload);
}

void ClientSession::goodbye() {
  channel_.post(MessageType::Ping, {}, flag::kFail);
}

nlohmann::json ClientSession::download_statistics(bool final) {
  channel_.request(MessageType::Stats, final ? flag::kSpec1 : 0);
  const Message m = channel_.receive();
  if (m.type != MessageType::Stats || m.flow != FlowControl::Transmission) {
    throw_unexpected(channel_, m, "downloading statistics");
  }
  const auto* text = reinterpret_cast<const char*>(m.payload.data());
  auto stats = nlohmann::json::parse(text, text + m.payload.size(), nullptr, false);
  if (stats.is_discarded() || !stats.is_object()) {
    throw ProtocolError("target " + channel_.transport().peer() + ": statistics are not a JSON object");
  }
  return stats;
}

}  // namespace kenning::protocol
