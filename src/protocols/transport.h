// A byte stream to the other side (TCP socket, serial port, memory buffer for
// tests and fuzzing). Framing lives above it, in Channel.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

namespace kenning::protocol {

class Transport {
 public:
  virtual ~Transport() = default;
  // Writes every byte or throws ProtocolError (timeout, peer gone).
  virtual void write(std::span<const std::byte> bytes, std::chrono::milliseconds timeout) = 0;
  // Reads exactly bytes.size() bytes or throws ProtocolError: on timeout, or
  // when the peer closed the connection (then closed() becomes true).
  virtual void read(std::span<std::byte> bytes, std::chrono::milliseconds timeout) = 0;
  virtual void close() = 0;
  // True once the peer closed the stream cleanly (end of file).
  virtual bool closed() const = 0;
  // Who is on the other side, for logs: "127.0.0.1:5555", "/dev/ttyUSB0".
  virtual std::string peer() const = 0;
};

}  // namespace kenning::protocol
