// UARTProtocol: upstream Kenning's protocol over a serial line (asio
// serial_port). The client ends each session with PING + FAIL, as
// upstream's does. `kenning server` can serve on a line too (a target that
// runs this code): one session after another on the same port, each ending
// with the client's goodbye or, a line having no end of file, on silence.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "protocols/framed_protocol.h"
#include "kenning/core/params.h"

namespace kenning {

class UARTProtocol : public protocol::FramedProtocol {
 public:
  static constexpr const char* kDescription = "Kenning's host/target protocol over a serial line";

  struct Params {
    std::string port;
    std::int64_t baudrate = 9600;
    std::int64_t packet_size = 1024;
    double timeout = 30.0;
    std::int64_t max_message_size = std::int64_t{256} << 20;
    bool error_recovery = false;
  };
  static const ParamSchema<Params>& schema();

  explicit UARTProtocol(const Params& params);
  ~UARTProtocol() override;
  UARTProtocol(const UARTProtocol&) = delete;
  UARTProtocol& operator=(const UARTProtocol&) = delete;

  void initialize_client() override;

  // Checks the port opens; accept_client then waits (without a time limit,
  // as a TCP server waits for a connection) for the next client's first bytes.
  void initialize_server() override;
  protocol::Channel& accept_client() override;
  std::string endpoint() const override { return params_.port; }
  std::string access_token() const override { return {}; }

 private:
  protocol::ChannelOptions channel_options(bool is_host) const;

  Params params_;
  bool serving_ = false;
};

}  // namespace kenning
