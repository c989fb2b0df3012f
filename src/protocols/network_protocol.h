// NetworkProtocol: upstream Kenning's protocol over TCP (asio). The server
// listens on 127.0.0.1 unless `host` says otherwise, and then only with a
// `token` every client must present.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "protocols/framed_protocol.h"
#include "kenning/core/params.h"

namespace kenning {

namespace protocol {
class TcpListener;
}  // namespace protocol

class NetworkProtocol : public protocol::FramedProtocol {
 public:
  static constexpr const char* kDescription = "Kenning's host/target protocol over TCP";

  struct Params {
    std::string host = "127.0.0.1";
    std::int64_t port = 12345;
    std::int64_t packet_size = 4096;
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

  void initialize_server() override;
  protocol::Channel& accept_client() override;
  std::string endpoint() const override;
  std::string access_token() const override { return params_.token; }

 private:
  protocol::ChannelOptions channel_options(bool is_host) const;

  Params params_;
  std::unique_ptr<protocol::TcpListener> listener_;
};

}  // namespace kenning
