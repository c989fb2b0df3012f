#include "client_session.h"

#include <fstream>
#include <iterator>

#include "kenning/core/error.h"
#include "server_status.h"

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

void ClientSession::upload_model(const std::filesystem::path& model) {
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
  channel_.send(MessageType::Model, bytes);
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
