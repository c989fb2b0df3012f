#include "protocols/uart_protocol.h"

#include <algorithm>

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
          .field("packet_size", &Params::packet_size,
                 "Payload bytes per frame we send (upstream: 124, a 136-byte frame)")
          .range(16, static_cast<double>(protocol::kMaxUartFramePayload))
          .field("timeout", &Params::timeout, "Seconds to wait for each reply of the target")
          .range(0.01, 3600)
          .field("max_message_size", &Params::max_message_size, "Largest message, in bytes, either side accepts")
          .range(1024, 4294967295.0)
          .field("error_recovery", &Params::error_recovery,
                 "Log frames whose checksum does not match (checksums are always written, never acted upon)");
  return s;
}

UARTProtocol::UARTProtocol(const Params& params) : params_(schema().checked(params)) {}
UARTProtocol::~UARTProtocol() = default;

void UARTProtocol::initialize_client() {
  disconnect();
  auto line = protocol::SerialTransport::open(params_.port, static_cast<std::uint32_t>(params_.baudrate));
  // Upstream's serial session opens with PING + SUCCESS and ends with PING +
  // FAIL, each tried 5 times with a 1 s wait (a line has no connect and no end of file).
  protocol::SessionRituals rituals{
      .ping_on_open = true, .ping_on_close = true, .ping_attempts = 5, .ping_wait = std::chrono::milliseconds(1000)};
  rituals.ping_wait =
      std::min(rituals.ping_wait, std::chrono::milliseconds(static_cast<std::int64_t>(params_.timeout * 1000)));
  start_client(std::move(line),
               protocol::make_channel_options(params_.packet_size, params_.max_message_size, params_.timeout,
                                              params_.error_recovery),
               "", rituals);
}

std::unique_ptr<protocol::Listener> UARTProtocol::make_listener() const {
  return std::make_unique<protocol::UARTListener>(params_);
}

}  // namespace kenning
