#include "protocols/serial_transport.h"

#include <poll.h>

#include <thread>
#include <termios.h>

#include "protocols/asio_stream_io.h"

namespace kenning::protocol {

struct SerialTransport::State {
  asio::io_context io;
  asio::serial_port port{io};
};

SerialTransport::SerialTransport(std::unique_ptr<State> state, std::string name)
    : state_(std::move(state)), name_(std::move(name)) {}

SerialTransport::~SerialTransport() { close(); }

std::unique_ptr<SerialTransport> SerialTransport::open(const std::string& port, std::uint32_t baudrate) {
  auto state = std::make_unique<State>();
  std::error_code ec;
  state->port.open(port, ec);  // asio puts the line in raw mode
  if (!ec) state->port.set_option(asio::serial_port::baud_rate(baudrate), ec);
  if (!ec) state->port.set_option(asio::serial_port::character_size(8), ec);
  if (!ec) state->port.set_option(asio::serial_port::parity(asio::serial_port::parity::none), ec);
  if (!ec) state->port.set_option(asio::serial_port::stop_bits(asio::serial_port::stop_bits::one), ec);
  if (!ec) state->port.set_option(asio::serial_port::flow_control(asio::serial_port::flow_control::none), ec);
  if (ec) throw ProtocolError("cannot open serial port " + port + ": " + ec.message());
  return std::unique_ptr<SerialTransport>(new SerialTransport(std::move(state), port));
}

std::unique_ptr<SerialTransport> SerialTransport::adopt(int fd, const std::string& name) {
  auto state = std::make_unique<State>();
  std::error_code ec;
  state->port.assign(fd, ec);
  if (ec) throw ProtocolError("cannot use " + name + " as a serial line: " + ec.message());
  return std::unique_ptr<SerialTransport>(new SerialTransport(std::move(state), name));
}

void SerialTransport::write(std::span<const std::byte> bytes, std::chrono::milliseconds timeout) {
  detail::write_all(state_->io, state_->port, bytes, timeout, name_);
}

void SerialTransport::read(std::span<std::byte> bytes, std::chrono::milliseconds timeout) {
  detail::read_exact(state_->io, state_->port, bytes, timeout, name_, eof_);
}

void SerialTransport::discard_pending_input() {
  if (state_->port.is_open()) ::tcflush(state_->port.native_handle(), TCIFLUSH);
}

bool SerialTransport::wait_readable(std::chrono::milliseconds timeout) {
  pollfd p{state_->port.native_handle(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) > 0 && (p.revents & POLLIN)) return true;
  // A hung-up line (no one on the other end of a pseudo-terminal) polls
  // ready at once; waiting out the timeout keeps that from spinning.
  if (p.revents & (POLLHUP | POLLERR)) std::this_thread::sleep_for(timeout);
  return false;
}

void SerialTransport::close() {
  std::error_code ignored;
  if (state_) state_->port.close(ignored);
}

}  // namespace kenning::protocol
