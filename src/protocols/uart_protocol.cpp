#include "protocols/uart_protocol.h"

#include "kenning/core/error.h"
#include "protocols/serial_transport.h"
#include "protocols/uart_listener.h"

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

UARTProtocol::UARTProtocol(const Params& params) : params_(schema().checked(params)) {
  say_goodbye_on_disconnect(true);
}
UARTProtocol::~UARTProtocol() = default;

void UARTProtocol::initialize_client() {
  disconnect();
  auto line = protocol::SerialTransport::open(params_.port, static_cast<std::uint32_t>(params_.baudrate));
  // Upstream's UART session opens with the client's PING + SUCCESS.
  start_client(std::move(line),
               protocol::make_channel_options(params_.packet_size, params_.max_message_size, params_.timeout,
                                              params_.error_recovery, /*is_host=*/true),
               "");
}

std::unique_ptr<protocol::Listener> UARTProtocol::make_listener() const {
  return std::make_unique<protocol::UARTListener>(params_);
}

}  // namespace kenning
