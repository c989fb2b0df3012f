// A raw TCP client for end-to-end tests of `kenning server`: it sends what
// no well-behaved client would (garbage, half frames, silence), and builds
// the few well-formed frames it needs by hand, as a foreign tool would.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>

// A raw TCP client for sending what no well-behaved client would.
struct RawClient {
  int fd = -1;
  explicit RawClient(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~RawClient() {
    if (fd >= 0) ::close(fd);
  }
  bool send_all(const std::string& bytes) { return ::send(fd, bytes.data(), bytes.size(), 0) == ssize_t(bytes.size()); }
  // Exactly n bytes, or fewer when the server closes or 5 s pass.
  std::string recv_n(std::size_t n) {
    std::string out;
    char buf[4096];
    while (out.size() < n) {
      const ssize_t r = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
      if (r <= 0) break;
      out.append(buf, static_cast<std::size_t>(r));
    }
    return out;
  }
};

// One frame of the wire format (frame.h): type, flow control, flags, payload;
// the checksum is XOR of every other byte, XOR 0x4B.
inline std::string wire_frame(std::uint8_t type, std::uint8_t flow, std::uint16_t flags, const std::string& payload) {
  if (!payload.empty()) flags |= 0x08;  // HAS_PAYLOAD
  std::string f(12, '\0');
  f[0] = static_cast<char>(type);
  f[4] = static_cast<char>(flow << 6);
  f[6] = static_cast<char>(flags & 0xFF);
  f[7] = static_cast<char>(flags >> 8);
  const auto n = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) f[8 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  f += payload;
  std::uint8_t sum = 0x4B;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (i != 5) sum ^= static_cast<std::uint8_t>(f[i]);
  }
  f[5] = static_cast<char>(sum);
  return f;
}

// PING + SUCCESS from a host, as one single-frame request (upstream's serial opening).
inline std::string wire_ping() { return wire_frame(0, 0, 0x01 | 0x10 | 0x20, ""); }
