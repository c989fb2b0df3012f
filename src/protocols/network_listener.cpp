#include "protocols/network_listener.h"

#include <asio/ip/address.hpp>

#include "kenning/core/error.h"
#include "protocols/tcp_transport.h"

namespace kenning::protocol {

namespace {

bool is_loopback(const std::string& host) {
  std::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace

NetworkListener::NetworkListener(NetworkProtocol::Params params) : params_(std::move(params)) {}
NetworkListener::~NetworkListener() = default;

void NetworkListener::listen() {
  if (!is_loopback(params_.host) && params_.token.empty()) {
    throw ConfigError("protocol.parameters.host: listening on '" + params_.host +
                      "' (not loopback) needs a token; set protocol.parameters.token");
  }
  listener_ = std::make_unique<TcpListener>(params_.host, static_cast<std::uint16_t>(params_.port));
}

std::unique_ptr<Connection> NetworkListener::accept() {
  if (!listener_) throw ProtocolError("NetworkProtocol: accept before listen");
  auto link = listener_->accept();
  const auto options =
      make_channel_options(params_.packet_size, params_.max_message_size, params_.timeout, params_.error_recovery);
  link->write({&kGreeting, 1}, options.timeout);
  return std::make_unique<Connection>(std::move(link), options);
}

std::string NetworkListener::endpoint() const {
  return params_.host + ":" + std::to_string(listener_ ? listener_->port() : params_.port);
}

}  // namespace kenning::protocol
