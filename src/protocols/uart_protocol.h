// UARTProtocol: upstream Kenning's protocol over a serial line (asio
// serial_port), the host side. The client ends each session with PING +
// FAIL, as upstream's does. `kenning server` can serve on a line too (a
// target that runs this code) through UARTListener (uart_listener.h).
#pragma once

#include <cstdint>
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
    std::int64_t packet_size = 124;  // protocol::kMaxUartFramePayload
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
  std::string endpoint() const override { return params_.port; }
  std::unique_ptr<protocol::Listener> make_listener() const override;

 private:
  Params params_;
};

}  // namespace kenning
