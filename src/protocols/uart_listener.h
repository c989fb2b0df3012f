// The target side of UARTProtocol: one session after another on the same
// serial port, each ending with the client's goodbye or, a line having no
// end of file, on silence.
#pragma once

#include <memory>
#include <string>

#include "protocols/listener.h"
#include "protocols/uart_protocol.h"

namespace kenning::protocol {

class UARTListener : public Listener {
 public:
  explicit UARTListener(UARTProtocol::Params params) : params_(std::move(params)) {}

  // Checks the port opens; accept then waits (without a time limit, as a
  // TCP server waits for a connection) for the next client's first bytes.
  void listen() override;
  std::unique_ptr<Connection> accept() override;
  std::string endpoint() const override { return params_.port; }
  std::string access_token() const override { return {}; }

 private:
  UARTProtocol::Params params_;
  bool listening_ = false;
};

}  // namespace kenning::protocol
