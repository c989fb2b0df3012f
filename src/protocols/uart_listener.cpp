#include "protocols/uart_listener.h"

#include "kenning/core/error.h"
#include "protocols/serial_transport.h"

namespace kenning::protocol {

void UARTListener::listen() {
  SerialTransport::open(params_.port, static_cast<std::uint32_t>(params_.baudrate))->close();
  listening_ = true;
}

std::unique_ptr<Connection> UARTListener::accept() {
  if (!listening_) throw ProtocolError("UARTProtocol: accept before listen");
  // Reopened per session, with what an earlier, broken session left on the line dropped.
  auto line = SerialTransport::open(params_.port, static_cast<std::uint32_t>(params_.baudrate));
  line->discard_pending_input();
  while (!line->wait_readable(std::chrono::seconds(1))) {
  }
  return std::make_unique<Connection>(
      std::move(line),
      make_channel_options(params_.packet_size, params_.max_message_size, params_.timeout, params_.error_recovery));
}

}  // namespace kenning::protocol
