// Serial transport on asio::serial_port (8N1, raw mode, no flow control).
// A serial line has no end of file: a vanished peer shows as a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "protocols/transport.h"

namespace kenning::protocol {

class SerialTransport : public Transport {
 public:
  // Opens `port` (e.g. /dev/ttyUSB0) at `baudrate`; throws ProtocolError naming it.
  static std::unique_ptr<SerialTransport> open(const std::string& port, std::uint32_t baudrate);
  // Takes over an open descriptor (e.g. a pseudo-terminal's master side).
  static std::unique_ptr<SerialTransport> adopt(int fd, const std::string& name);
  ~SerialTransport() override;

  void write(std::span<const std::byte> bytes, std::chrono::milliseconds timeout) override;
  void read(std::span<std::byte> bytes, std::chrono::milliseconds timeout) override;
  void close() override;
  // Drops bytes received but not yet read.
  void discard_pending_input();
  // True once a byte can be read, false after `timeout` without one.
  bool wait_readable(std::chrono::milliseconds timeout);
  bool closed() const override { return false; }
  std::string peer() const override { return name_; }

 private:
  struct State;
  SerialTransport(std::unique_ptr<State> state, std::string name);
  std::unique_ptr<State> state_;
  std::string name_;
  bool eof_ = false;  // unused: serial lines never report end of file
};

}  // namespace kenning::protocol
