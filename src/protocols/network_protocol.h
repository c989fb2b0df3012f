// NetworkProtocol: upstream Kenning's protocol over TCP (asio), the host
// side; its target side is NetworkListener (network_listener.h), which
// listens on 127.0.0.1 unless `host` says otherwise, and then only with a
// `token` every client must present.
#pragma once

#include <cstdint>
#include <string>

#include "protocols/framed_protocol.h"
#include "kenning/core/params.h"

namespace kenning {

class NetworkProtocol : public protocol::FramedProtocol {
 public:
  static constexpr const char* kDescription = "Kenning's host/target protocol over TCP";

  struct Params {
    std::string host = "127.0.0.1";
    std::int64_t port = 12345;
    std::int64_t packet_size = 1048564;  // protocol::kMaxTcpFramePayload
    double timeout = 30.0;
    std::int64_t max_message_size = std::int64_t{256} << 20;
    bool error_recovery = false;
    std::string token;
  };
  static const ParamSchema<Params>& schema();

  explicit NetworkProtocol(const Params& params);
  ~NetworkProtocol() override;
  NetworkProtocol(const NetworkProtocol&) = delete;
  NetworkProtocol& operator=(const NetworkProtocol&) = delete;

  void initialize_client() override;
  std::string endpoint() const override;
  std::unique_ptr<protocol::Listener> make_listener() const override;

 private:
  Params params_;
};

}  // namespace kenning
