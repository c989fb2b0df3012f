#include "dataproviders/tcp_data_provider.h"

#include <array>
#include <chrono>

#include <asio.hpp>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "dataproviders/frame_conversion.h"
#include "kenning/core/error.h"
#include "kenning/core/frame.h"

namespace kenning {

struct TCPDataProvider::State {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
  asio::ip::tcp::socket socket{io};
  bool connected = false;
  bool ended = false;
  std::string endpoint;  // "127.0.0.1:5000", for messages
  std::vector<unsigned char> payload;

  // Runs the started operation for at most `timeout`; false when it did not
  // finish (the operation is then cancelled and drained).
  bool run_for(std::chrono::milliseconds timeout) {
    io.restart();
    io.run_for(timeout);
    if (io.stopped()) return true;
    std::error_code ignored;
    acceptor.cancel(ignored);
    socket.cancel(ignored);
    io.restart();
    io.run();
    return false;
  }

  // Reads exactly `size` bytes; returns how many arrived before EOF.
  std::size_t read(void* data, std::size_t size, std::chrono::milliseconds timeout, const char* what) {
    std::error_code ec;
    std::size_t got = 0;
    asio::async_read(socket, asio::buffer(data, size), [&](const std::error_code& e, std::size_t n) {
      ec = e;
      got = n;
    });
    if (!run_for(timeout)) {
      throw IoError("TCPDataProvider " + endpoint + ": no complete " + what + " within " +
                    std::to_string(timeout.count()) + " ms");
    }
    if (ec && ec != asio::error::eof) {
      throw IoError("TCPDataProvider " + endpoint + ": reading " + what + ": " + ec.message());
    }
    return got;
  }
};

TCPDataProvider::TCPDataProvider(const Params& params) : params_(params), state_(std::make_unique<State>()) {
  schema().check(params_);
}

TCPDataProvider::~TCPDataProvider() { close(); }

void TCPDataProvider::prepare() {
  State& s = *state_;
  s.endpoint = params_.host + ":" + std::to_string(params_.port);
  std::error_code ec;
  const auto address = asio::ip::make_address(params_.host, ec);
  if (ec) throw ConfigError("TCPDataProvider: parameter 'host': '" + params_.host + "' is not an IP address");
  const asio::ip::tcp::endpoint ep(address, static_cast<std::uint16_t>(params_.port));
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(1, ec);
  if (ec) throw IoError("TCPDataProvider: cannot listen on " + s.endpoint + ": " + ec.message());
  s.endpoint = params_.host + ":" + std::to_string(bound_port());
  spdlog::info("TCPDataProvider: listening on {}", s.endpoint);
}

std::uint16_t TCPDataProvider::bound_port() const {
  std::error_code ec;
  const auto ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

std::optional<std::vector<Tensor>> TCPDataProvider::fetch_input() {
  State& s = *state_;
  if (!s.acceptor.is_open()) throw IoError("TCPDataProvider: fetch_input before prepare");
  const std::chrono::milliseconds timeout(params_.timeout_ms);
  if (!s.connected) {
    std::error_code ec;
    s.acceptor.async_accept(s.socket, [&](const std::error_code& e) { ec = e; });
    if (!s.run_for(timeout)) {
      throw IoError("TCPDataProvider " + s.endpoint + ": no client connected within " +
                    std::to_string(params_.timeout_ms) + " ms");
    }
    if (ec) throw IoError("TCPDataProvider " + s.endpoint + ": accept failed: " + ec.message());
    s.connected = true;
  }
  while (!s.ended) {
    std::array<unsigned char, 4> header{};
    const std::size_t got = s.read(header.data(), header.size(), timeout, "frame header");
    if (got == 0) break;  // the client closed between frames
    if (got < header.size()) {
      throw IoError("TCPDataProvider " + s.endpoint + ": connection closed inside a frame header");
    }
    const std::uint32_t size =
        header[0] | (header[1] << 8) | (header[2] << 16) | (static_cast<std::uint32_t>(header[3]) << 24);
    if (size == 0) break;
    if (size > static_cast<std::uint64_t>(params_.max_frame_bytes)) {
      throw IoError("TCPDataProvider " + s.endpoint + ": frame of " + std::to_string(size) +
                    " bytes exceeds max_frame_bytes (" + std::to_string(params_.max_frame_bytes) + ")");
    }
    s.payload.resize(size);
    if (s.read(s.payload.data(), size, timeout, "frame") < size) {
      throw IoError("TCPDataProvider " + s.endpoint + ": connection closed inside a frame of " + std::to_string(size) +
                    " bytes");
    }
    const cv::Mat image = cv::imdecode(s.payload, cv::IMREAD_COLOR);
    if (image.empty()) {
      ++skipped_;
      spdlog::warn("TCPDataProvider {}: skipping a frame of {} bytes that does not decode as an image", s.endpoint,
                   size);
      continue;
    }
    std::vector<Tensor> out;
    out.push_back(frame_from_mat(image));
    return out;
  }
  s.ended = true;
  return std::nullopt;
}

std::vector<TensorSpec> TCPDataProvider::output_spec() const { return {frame_spec()}; }

void TCPDataProvider::close() {
  if (!state_) return;
  std::error_code ignored;
  state_->socket.close(ignored);
  state_->acceptor.close(ignored);
}

}  // namespace kenning
