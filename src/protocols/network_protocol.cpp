#include "protocols/network_protocol.h"

#include <asio/ip/address.hpp>

#include "kenning/core/error.h"
#include "protocols/tcp_transport.h"

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
  return protocol::make_channel_options(params_.packet_size, params_.max_message_size, params_.timeout,
                                        params_.error_recovery, is_host);
}

void NetworkProtocol::initialize_client() {
  disconnect();
  const auto options = channel_options(true);
  auto link = protocol::TcpTransport::connect(params_.host, static_cast<std::uint16_t>(params_.port), options.timeout);
  std::byte greeting{0xFF};
  link->read({&greeting, 1}, options.timeout);
  if (greeting != kGreeting) {
    throw ProtocolError(link->peer() + ": not a kenning server (unexpected greeting byte)");
  }
  start_client(std::move(link), options, params_.token);
}

void NetworkProtocol::initialize_server() {
  if (!is_loopback(params_.host) && params_.token.empty()) {
    throw ConfigError("protocol.parameters.host: listening on '" + params_.host +
                      "' (not loopback) needs a token; set protocol.parameters.token");
  }
  listener_ = std::make_unique<protocol::TcpListener>(params_.host, static_cast<std::uint16_t>(params_.port));
}

protocol::Channel& NetworkProtocol::accept_client() {
  if (!listener_) throw ProtocolError("NetworkProtocol: accept_client before initialize_server");
  disconnect();
  auto link = listener_->accept();
  const auto options = channel_options(false);
  link->write({&kGreeting, 1}, options.timeout);
  return start_server_session(std::move(link), options);
}

std::string NetworkProtocol::endpoint() const {
  return params_.host + ":" + std::to_string(listener_ ? listener_->port() : params_.port);
}

}  // namespace kenning
