// The target side of NetworkProtocol: listens on host:port (127.0.0.1
// unless `host` says otherwise, and then only with a `token`) and greets
// each accepted client with one zero byte, as upstream Kenning's server does.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "protocols/listener.h"
#include "protocols/network_protocol.h"

namespace kenning::protocol {

class TcpListener;

class NetworkListener : public Listener {
 public:
  static constexpr std::byte kGreeting{0x00};

  explicit NetworkListener(NetworkProtocol::Params params);
  ~NetworkListener() override;

  void listen() override;
  std::unique_ptr<Connection> accept() override;
  std::string endpoint() const override;
  std::string access_token() const override { return params_.token; }

 private:
  NetworkProtocol::Params params_;
  std::unique_ptr<TcpListener> listener_;
};

}  // namespace kenning::protocol
