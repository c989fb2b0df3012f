// Blocking reads and writes with a deadline on any asio stream (TCP socket,
// serial port): asio's synchronous calls cannot time out, so each call runs
// the asynchronous operation on the stream's own io_context for at most
// `timeout` and cancels it when the deadline passes (the stream stays open,
// so the server can still tell the client why it is dropped).
#pragma once

#include <chrono>
#include <span>
#include <string>

#include <asio.hpp>

#include "kenning/core/error.h"

namespace kenning::protocol::detail {

// Runs `io` until the started operation completes or `timeout` passes.
// Returns false on timeout, after cancelling the operation on `stream`.
template <class Stream>
bool run_until_done(asio::io_context& io, Stream& stream, std::chrono::milliseconds timeout) {
  io.restart();
  io.run_for(timeout);
  if (io.stopped()) return true;
  std::error_code ignored;
  stream.cancel(ignored);
  io.run();
  return false;
}

template <class Stream>
void read_exact(asio::io_context& io, Stream& stream, std::span<std::byte> bytes, std::chrono::milliseconds timeout,
                const std::string& peer, bool& eof) {
  std::error_code ec;
  asio::async_read(stream, asio::buffer(bytes.data(), bytes.size()),
                   [&](const std::error_code& e, std::size_t) { ec = e; });
  if (!run_until_done(io, stream, timeout)) {
    throw ProtocolError(peer + ": no data for " + std::to_string(timeout.count()) + " ms (timeout)");
  }
  if (ec == asio::error::eof) {
    eof = true;
    throw ProtocolError(peer + ": connection closed by the peer");
  }
  if (ec) throw ProtocolError(peer + ": read failed: " + ec.message());
}

template <class Stream>
void write_all(asio::io_context& io, Stream& stream, std::span<const std::byte> bytes,
               std::chrono::milliseconds timeout, const std::string& peer) {
  std::error_code ec;
  asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                    [&](const std::error_code& e, std::size_t) { ec = e; });
  if (!run_until_done(io, stream, timeout)) {
    throw ProtocolError(peer + ": could not send for " + std::to_string(timeout.count()) + " ms (timeout)");
  }
  if (ec) throw ProtocolError(peer + ": write failed: " + ec.message());
}

}  // namespace kenning::protocol::detail
