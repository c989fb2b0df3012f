#include "protocols/tcp_transport.h"

#include <algorithm>

#include "protocols/asio_stream_io.h"

namespace kenning::protocol {

using asio::ip::tcp;

struct TcpTransport::State {
  asio::io_context io;  // one per connection: its run_for() serves only this socket
  tcp::socket socket{io};
};

TcpTransport::TcpTransport(std::unique_ptr<State> state) : state_(std::move(state)) {
  std::error_code ec;
  state_->socket.set_option(tcp::no_delay(true), ec);
  // Synchronous calls return would_block instead of waiting: the fast paths below.
  state_->socket.non_blocking(true, ec);
  const auto remote = state_->socket.remote_endpoint(ec);
  peer_ = ec ? std::string("unknown peer") : remote.address().to_string() + ":" + std::to_string(remote.port());
}

TcpTransport::~TcpTransport() { close(); }

std::unique_ptr<TcpTransport> TcpTransport::connect(const std::string& host, std::uint16_t port,
                                                    std::chrono::milliseconds timeout) {
  auto state = std::make_unique<State>();
  const std::string where = host + ":" + std::to_string(port);
  std::error_code ec;
  tcp::resolver resolver(state->io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw ProtocolError("cannot resolve " + where + ": " + ec.message());
  asio::async_connect(state->socket, endpoints, [&](const std::error_code& e, const tcp::endpoint&) { ec = e; });
  if (!detail::run_until_done(state->io, state->socket, timeout)) {
    throw ProtocolError("cannot connect to " + where + ": no answer for " + std::to_string(timeout.count()) + " ms");
  }
  if (ec) throw ProtocolError("cannot connect to " + where + ": " + ec.message() + " (is `kenning server` running?)");
  return std::unique_ptr<TcpTransport>(new TcpTransport(std::move(state)));
}

// Fast paths: bytes the kernel can take or already holds need no trip
// through the io_context (about a third of a small request's round trip);
// only a real wait goes through a deadline-bounded asynchronous call.
void TcpTransport::write(std::span<const std::byte> bytes, std::chrono::milliseconds timeout) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    std::error_code ec;
    const std::size_t n = state_->socket.write_some(asio::buffer(bytes.data() + done, bytes.size() - done), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) throw ProtocolError(peer_ + ": write failed: " + ec.message());
    done += n;
  }
  if (done < bytes.size()) detail::write_all(state_->io, state_->socket, bytes.subspan(done), timeout, peer_);
}

std::size_t TcpTransport::take_buffered(std::span<std::byte> bytes) {
  const std::size_t n = std::min(bytes.size(), buffer_end_ - buffer_begin_);
  std::copy_n(buffer_.begin() + static_cast<std::ptrdiff_t>(buffer_begin_), n, bytes.begin());
  buffer_begin_ += n;
  return n;
}

std::size_t TcpTransport::read_available(std::span<std::byte> into, std::chrono::steady_clock::time_point deadline,
                                         std::chrono::milliseconds timeout) {
  for (;;) {
    std::error_code ec;
    const std::size_t n = state_->socket.read_some(asio::buffer(into.data(), into.size()), ec);
    if (ec == asio::error::eof) {
      eof_ = true;
      throw ProtocolError(peer_ + ": connection closed by the peer");
    }
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      // Nothing there yet: a deadline-bounded wait for the socket to become readable.
      std::error_code wait_ec;
      state_->socket.async_wait(tcp::socket::wait_read, [&](const std::error_code& e) { wait_ec = e; });
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (!detail::run_until_done(state_->io, state_->socket, std::max(left, std::chrono::milliseconds(1)))) {
        throw ProtocolError(peer_ + ": no data for " + std::to_string(timeout.count()) + " ms (timeout)");
      }
      if (wait_ec) throw ProtocolError(peer_ + ": read failed: " + wait_ec.message());
      continue;
    }
    if (ec) throw ProtocolError(peer_ + ": read failed: " + ec.message());
    return n;
  }
}

void TcpTransport::read(std::span<std::byte> bytes, std::chrono::milliseconds timeout) {
  constexpr std::size_t kBufferSize = std::size_t{64} << 10;
  // One deadline for the whole read: a peer dribbling a byte at a time
  // cannot stretch it.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t done = take_buffered(bytes);
  while (done < bytes.size()) {
    const auto rest = bytes.subspan(done);
    if (rest.size() >= kBufferSize) {
      done += read_available(rest, deadline, timeout);  // large payloads: no second copy
      continue;
    }
    buffer_.resize(kBufferSize);
    // Emptied only once the read succeeded: a timeout must not bring back bytes already taken.
    const std::size_t n = read_available(buffer_, deadline, timeout);
    buffer_begin_ = 0;
    buffer_end_ = n;
    done += take_buffered(rest);
  }
}

void TcpTransport::close() {
  if (!state_) return;
  std::error_code ignored;
  state_->socket.shutdown(tcp::socket::shutdown_both, ignored);
  state_->socket.close(ignored);
}

struct TcpListener::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

TcpListener::TcpListener(const std::string& host, std::uint16_t port) : state_(std::make_unique<State>()) {
  const std::string where = host + ":" + std::to_string(port);
  std::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw ProtocolError("cannot listen on " + where + ": '" + host + "' is not an IP address");
  const tcp::endpoint endpoint(address, port);
  auto& a = state_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw ProtocolError("cannot listen on " + where + ": " + ec.message());
}

TcpListener::~TcpListener() = default;

std::uint16_t TcpListener::port() const { return state_->acceptor.local_endpoint().port(); }

std::unique_ptr<TcpTransport> TcpListener::accept() {
  auto connection = std::make_unique<TcpTransport::State>();
  std::error_code ec;
  // Blocking accept: the server has nothing else to do until a client comes.
  state_->acceptor.accept(connection->socket, ec);
  if (ec) throw ProtocolError("accept failed: " + ec.message());
  return std::unique_ptr<TcpTransport>(new TcpTransport(std::move(connection)));
}

}  // namespace kenning::protocol
