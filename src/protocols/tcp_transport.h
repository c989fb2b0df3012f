// TCP transport on standalone asio: a connected socket (client side or one
// accepted by TcpListener). Nagle's algorithm is off: frames are small and
// every message waits for an answer. Reads go through a 64 KiB buffer, so
// the frames of a pipelined burst (header, payload, next header...) cost one
// system call, not two per frame; large payloads bypass it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocols/transport.h"

namespace kenning::protocol {

class TcpTransport : public Transport {
 public:
  // Connects to host:port within `timeout`; throws ProtocolError naming both.
  static std::unique_ptr<TcpTransport> connect(const std::string& host, std::uint16_t port,
                                               std::chrono::milliseconds timeout);
  ~TcpTransport() override;

  void write(std::span<const std::byte> bytes, std::chrono::milliseconds timeout) override;
  void read(std::span<std::byte> bytes, std::chrono::milliseconds timeout) override;
  void close() override;
  bool closed() const override { return eof_; }
  std::string peer() const override { return peer_; }

 private:
  friend class TcpListener;
  struct State;
  explicit TcpTransport(std::unique_ptr<State> state);
  // Copies what the buffer holds into the front of `bytes`; returns the count.
  std::size_t take_buffered(std::span<std::byte> bytes);
  // Reads what the socket has (waiting until `deadline` for something) into
  // `into`; returns the count, throws on timeout (naming `timeout`), end of
  // file or error.
  std::size_t read_available(std::span<std::byte> into, std::chrono::steady_clock::time_point deadline,
                             std::chrono::milliseconds timeout);

  std::unique_ptr<State> state_;
  std::string peer_;
  bool eof_ = false;
  std::vector<std::byte> buffer_;
  std::size_t buffer_begin_ = 0, buffer_end_ = 0;
};

class TcpListener {
 public:
  // Binds host:port (port 0: a free port, see port()); throws ProtocolError.
  TcpListener(const std::string& host, std::uint16_t port);
  ~TcpListener();
  std::uint16_t port() const;
  // Waits for the next client.
  std::unique_ptr<TcpTransport> accept();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kenning::protocol
