// TCP transport on standalone asio: a connected socket (client side or one
// accepted by TcpListener). Nagle's algorithm is off: frames are small and
// every message waits for an answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "transport.h"

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
  std::unique_ptr<State> state_;
  std::string peer_;
  bool eof_ = false;
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
