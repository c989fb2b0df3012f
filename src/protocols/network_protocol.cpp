#include "protocols/network_protocol.h"

#include "kenning/core/error.h"
#include "protocols/network_listener.h"
#include "protocols/tcp_transport.h"

namespace kenning {

const ParamSchema<NetworkProtocol::Params>& NetworkProtocol::schema() {
  static const auto s =
      ParamSchema<Params>("NetworkProtocol", kDescription)
          .field("host", &Params::host,
                 "Server address: where the client connects and the server listens "
                 "(anything but loopback needs a token)")
          .field("port", &Params::port, "TCP port; 0 on the server: any free port, printed at start")
          .range(0, 65535)
          .field("packet_size", &Params::packet_size,
                 "Payload bytes per frame we send (upstream: 1048564, a 1 MiB frame)")
          .range(16, static_cast<double>(protocol::kMaxTcpFramePayload))
          .field("timeout", &Params::timeout,
                 "Seconds to wait for the peer (connect, each reply; the server's idle limit per client)")
          .range(0.01, 3600)
          .field("max_message_size", &Params::max_message_size,
                 "Largest message, in bytes, either side accepts (bounds the model upload)")
          .range(1024, 4294967295.0)
          .field("error_recovery", &Params::error_recovery,
                 "Log frames whose checksum does not match (checksums are always written, never acted upon)")
          .field("token", &Params::token,
                 "Shared secret the client sends in a PING before its first request; empty: no PING (upstream)");
  return s;
}

NetworkProtocol::NetworkProtocol(const Params& params) : params_(schema().checked(params)) {}
NetworkProtocol::~NetworkProtocol() = default;

void NetworkProtocol::initialize_client() {
  disconnect();
  const auto options = protocol::make_channel_options(params_.packet_size, params_.max_message_size, params_.timeout,
                                                      params_.error_recovery);
  auto link = protocol::TcpTransport::connect(params_.host, static_cast<std::uint16_t>(params_.port), options.timeout);
  std::byte greeting{0xFF};
  link->read({&greeting, 1}, options.timeout);
  if (greeting != protocol::NetworkListener::kGreeting) {
    throw ProtocolError(link->peer() + ": not a kenning server (unexpected greeting byte)");
  }
  // Upstream's TCP session has no PING; ours sends one only to present a token.
  start_client(std::move(link), options, params_.token, {.ping_on_open = !params_.token.empty()});
}

std::string NetworkProtocol::endpoint() const { return params_.host + ":" + std::to_string(params_.port); }

std::unique_ptr<protocol::Listener> NetworkProtocol::make_listener() const {
  return std::make_unique<protocol::NetworkListener>(params_);
}

}  // namespace kenning
