#include "uart_protocol.h"

#include "channel.h"
#include "client_session.h"
#include "kenning/core/error.h"
#include "serial_transport.h"

namespace kenning {

const ParamSchema<UARTProtocol::Params>& UARTProtocol::schema() {
  static const auto s =
      ParamSchema<Params>("UARTProtocol", kDescription)
          .field("port", &Params::port, "Serial device, e.g. /dev/ttyUSB0")
          .required()
          .field("baudrate", &Params::baudrate, "Line speed in bit/s (8N1, no flow control)")
          .range(50, 16000000)
          .field("packet_size", &Params::packet_size, "Payload bytes per frame")
          .range(16, 16 << 20)
          .field("timeout", &Params::timeout, "Seconds to wait for each reply of the target")
          .range(0.01, 3600)
          .field("max_message_size", &Params::max_message_size, "Largest message, in bytes, either side accepts")
          .range(1024, 4294967295.0)
          .field("error_recovery", &Params::error_recovery,
                 "On a bad checksum ask for a resend (REQUEST_RETRANSMIT) instead of failing");
  return s;
}

UARTProtocol::UARTProtocol(const Params& params) : params_(params) {}
UARTProtocol::~UARTProtocol() = default;

void UARTProtocol::initialize_client() {
  disconnect();
  transport_ = protocol::SerialTransport::open(params_.port, static_cast<std::uint32_t>(params_.baudrate));
  protocol::ChannelOptions o;
  o.packet_size = static_cast<std::size_t>(params_.packet_size);
  o.max_message_size = static_cast<std::size_t>(params_.max_message_size);
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(params_.timeout * 1000));
  o.error_recovery = params_.error_recovery;
  o.is_host = true;
  channel_ = std::make_unique<protocol::Channel>(*transport_, o);
  client_ = std::make_unique<protocol::ClientSession>(*channel_);
  // Upstream's UART session opens with the client's PING + SUCCESS.
  client_->hello("");
}

protocol::ClientSession& UARTProtocol::client() {
  if (!client_) throw ProtocolError("UARTProtocol: not connected (initialize_client was not called)");
  return *client_;
}

void UARTProtocol::upload_io_specification(const IOSpec& spec) { client().upload_io_specification(spec); }
void UARTProtocol::upload_model(const std::filesystem::path& model) { client().upload_model(model); }
void UARTProtocol::upload_input(std::span<const std::byte> data) { client().upload_input(data); }
void UARTProtocol::request_processing() { client().request_processing(); }
std::vector<std::byte> UARTProtocol::download_output() { return client().download_output(); }
nlohmann::json UARTProtocol::download_statistics(bool final) { return client().download_statistics(final); }

void UARTProtocol::initialize_server() {
  throw NotSupported("UARTProtocol is client-only; run `kenning server` with NetworkProtocol");
}

protocol::Channel& UARTProtocol::accept_client() {
  throw NotSupported("UARTProtocol is client-only; run `kenning server` with NetworkProtocol");
}

void UARTProtocol::disconnect() {
  client_.reset();
  channel_.reset();
  if (transport_) transport_->close();
  transport_.reset();
}

}  // namespace kenning
