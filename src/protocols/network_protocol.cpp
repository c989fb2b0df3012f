#include "network_protocol.h"

#include <asio/ip/address.hpp>

#include "channel.h"
#include "client_session.h"
#include "kenning/core/error.h"
#include "tcp_transport.h"

namespace kenning {

namespace {

// Upstream Kenning's server greets each accepted client with one zero byte.
constexpr std::byte kGreeting{0x00};

bool is_loopback(const std::string& host) {
  std::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace

const ParamSchema<NetworkProtocol::Params>& NetworkProtocol::schema() {
  static const auto s =
      ParamSchema<Params>("NetworkProtocol", kDescription)
          .field("host", &Params::host,
                 "Server address: where the client connects and the server listens "
                 "(anything but loopback needs a token)")
          .field("port", &Params::port, "TCP port; 0 on the server: any free port, printed at start")
          .range(0, 65535)
          .field("packet_size", &Params::packet_size, "Payload bytes per frame")
          .range(16, 16 << 20)
          .field("timeout", &Params::timeout,
                 "Seconds to wait for the peer (connect, each reply; the server's idle limit per client)")
          .range(0.01, 3600)
          .field("max_message_size", &Params::max_message_size,
                 "Largest message, in bytes, either side accepts (bounds the model upload)")
          .range(1024, 4294967295.0)
          .field("error_recovery", &Params::error_recovery,
                 "On a bad checksum ask for a resend (REQUEST_RETRANSMIT) instead of failing")
          .field("token", &Params::token, "Shared secret the client sends in its first PING; empty: none");
  return s;
}

NetworkProtocol::NetworkProtocol(const Params& params) : params_(params) {}
NetworkProtocol::~NetworkProtocol() = default;

protocol::ChannelOptions NetworkProtocol::channel_options(bool is_host) const {
  protocol::ChannelOptions o;
  o.packet_size = static_cast<std::size_t>(params_.packet_size);
  o.max_message_size = static_cast<std::size_t>(params_.max_message_size);
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(params_.timeout * 1000));
  o.error_recovery = params_.error_recovery;
  o.is_host = is_host;
  return o;
}

void NetworkProtocol::initialize_client() {
  disconnect();
  const auto options = channel_options(true);
  transport_ = protocol::TcpTransport::connect(params_.host, static_cast<std::uint16_t>(params_.port), options.timeout);
  std::byte greeting{0xFF};
  transport_->read({&greeting, 1}, options.timeout);
  if (greeting != kGreeting) {
    throw ProtocolError(transport_->peer() + ": not a kenning server (unexpected greeting byte)");
  }
  channel_ = std::make_unique<protocol::Channel>(*transport_, options);
  client_ = std::make_unique<protocol::ClientSession>(*channel_);
  client_->hello(params_.token);
}

protocol::ClientSession& NetworkProtocol::client() {
  if (!client_) throw ProtocolError("NetworkProtocol: not connected (initialize_client was not called)");
  return *client_;
}

void NetworkProtocol::upload_io_specification(const IOSpec& spec) { client().upload_io_specification(spec); }
void NetworkProtocol::upload_model(const std::filesystem::path& model) { client().upload_model(model); }
void NetworkProtocol::upload_input(std::span<const std::byte> data) { client().upload_input(data); }
void NetworkProtocol::request_processing() { client().request_processing(); }
std::vector<std::byte> NetworkProtocol::download_output() { return client().download_output(); }
nlohmann::json NetworkProtocol::download_statistics(bool final) { return client().download_statistics(final); }

void NetworkProtocol::initialize_server() {
  if (!is_loopback(params_.host) && params_.token.empty()) {
    throw ConfigError("protocol.parameters.host: listening on '" + params_.host +
                      "' (not loopback) needs a token; set protocol.parameters.token");
  }
  listener_ = std::make_unique<protocol::TcpListener>(params_.host, static_cast<std::uint16_t>(params_.port));
}

protocol::Channel& NetworkProtocol::accept_client() {
  if (!listener_) throw ProtocolError("NetworkProtocol: accept_client before initialize_server");
  client_.reset();
  channel_.reset();
  transport_ = listener_->accept();
  const auto options = channel_options(false);
  transport_->write({&kGreeting, 1}, options.timeout);
  channel_ = std::make_unique<protocol::Channel>(*transport_, options);
  return *channel_;
}

std::string NetworkProtocol::endpoint() const {
  return params_.host + ":" + std::to_string(listener_ ? listener_->port() : params_.port);
}

void NetworkProtocol::disconnect() {
  client_.reset();
  channel_.reset();
  if (transport_) transport_->close();
  transport_.reset();
}

}  // namespace kenning
