// Two pseudo-terminal pairs joined by a relay: a serial "cable" whose two
// ends (end_a(), end_b()) are device paths any serial client can open. With
// a baud rate the relay paces bytes as an 8N1 line would (10 bits per byte,
// each direction on its own), so timings match a real line; with 0 it
// forwards at once. Counts the bytes each way. Stops its threads on
// destruction.
#pragma once

#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

namespace kenning::testing {

class PtyLink {
 public:
  explicit PtyLink(std::int64_t baudrate = 0) : baudrate_(baudrate) {
    char a[256] = {}, b[256] = {};
    if (::openpty(&relay_a_, &keep_a_, a, nullptr, nullptr) != 0 ||
        ::openpty(&relay_b_, &keep_b_, b, nullptr, nullptr) != 0) {
      throw std::runtime_error("no pseudo-terminals available");
    }
    end_a_ = a;
    end_b_ = b;
    // Raw both ways: no echo, no line editing, no newline translation.
    for (int fd : {keep_a_, keep_b_}) {
      termios t{};
      ::tcgetattr(fd, &t);
      ::cfmakeraw(&t);
      ::tcsetattr(fd, TCSANOW, &t);
    }
    a_to_b_ = std::thread([this] { relay(relay_a_, relay_b_, from_a_); });
    b_to_a_ = std::thread([this] { relay(relay_b_, relay_a_, from_b_); });
  }
  ~PtyLink() {
    stop_ = true;
    a_to_b_.join();
    b_to_a_.join();
    for (int fd : {relay_a_, relay_b_, keep_a_, keep_b_}) ::close(fd);
  }
  PtyLink(const PtyLink&) = delete;
  PtyLink& operator=(const PtyLink&) = delete;

  const std::string& end_a() const { return end_a_; }
  const std::string& end_b() const { return end_b_; }
  std::size_t bytes_from_a() const { return from_a_; }
  std::size_t bytes_from_b() const { return from_b_; }

 private:
  void relay(int from, int to, std::atomic<std::size_t>& count) {
    auto line_free = std::chrono::steady_clock::now();
    char buf[64];
    while (!stop_) {
      pollfd p{from, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0 || !(p.revents & POLLIN)) continue;
      const ssize_t n = ::read(from, buf, sizeof buf);
      if (n <= 0) continue;
      if (baudrate_ > 0) {
        // The line stays busy from where the last byte ended while bytes
        // queue up; our own late wake-ups must not stretch it. Idle for a
        // while: the next byte starts now.
        const auto now = std::chrono::steady_clock::now();
        if (now > line_free + std::chrono::milliseconds(2)) line_free = now;
        line_free += std::chrono::nanoseconds(n * 10 * 1000000000LL / baudrate_);
        std::this_thread::sleep_until(line_free);
      }
      for (ssize_t done = 0; done < n && !stop_;) {
        const ssize_t w = ::write(to, buf + done, static_cast<std::size_t>(n - done));
        if (w > 0) done += w;
      }
      count += static_cast<std::size_t>(n);
    }
  }

  std::int64_t baudrate_;
  // The relay reads and writes the master sides; the slave sides stay open
  // here too, so a client closing its end does not hang the line up.
  int relay_a_ = -1, relay_b_ = -1, keep_a_ = -1, keep_b_ = -1;
  std::string end_a_, end_b_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> from_a_{0}, from_b_{0};
  std::thread a_to_b_, b_to_a_;
};

}  // namespace kenning::testing
