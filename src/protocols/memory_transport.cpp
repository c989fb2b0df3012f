#include "protocols/memory_transport.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>

#include "kenning/core/error.h"

namespace kenning::protocol {

namespace {

struct Queue {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::byte> bytes;
  bool writer_closed = false;
};

class MemoryEnd : public Transport {
 public:
  MemoryEnd(std::shared_ptr<Queue> in, std::shared_ptr<Queue> out, std::string name)
      : in_(std::move(in)), out_(std::move(out)), name_(std::move(name)) {}
  ~MemoryEnd() override { close(); }

  void write(std::span<const std::byte> bytes, std::chrono::milliseconds) override {
    std::lock_guard lock(out_->mutex);
    if (out_->writer_closed) throw ProtocolError(name_ + ": write after close");
    out_->bytes.insert(out_->bytes.end(), bytes.begin(), bytes.end());
    out_->ready.notify_all();
  }

  void read(std::span<std::byte> bytes, std::chrono::milliseconds timeout) override {
    std::unique_lock lock(in_->mutex);
    const bool ready =
        in_->ready.wait_for(lock, timeout, [&] { return in_->bytes.size() >= bytes.size() || in_->writer_closed; });
    if (!ready) throw ProtocolError(name_ + ": no data for " + std::to_string(timeout.count()) + " ms (timeout)");
    if (in_->bytes.size() < bytes.size()) {
      eof_ = true;
      throw ProtocolError(name_ + ": connection closed by the peer");
    }
    std::copy_n(in_->bytes.begin(), bytes.size(), bytes.begin());
    in_->bytes.erase(in_->bytes.begin(), in_->bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size()));
  }

  void close() override {
    std::lock_guard lock(out_->mutex);
    out_->writer_closed = true;
    out_->ready.notify_all();
  }
  bool closed() const override { return eof_; }
  std::string peer() const override { return name_; }

 private:
  std::shared_ptr<Queue> in_;
  std::shared_ptr<Queue> out_;
  std::string name_;
  bool eof_ = false;
};

}  // namespace

std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> make_memory_pipe() {
  auto a_to_b = std::make_shared<Queue>();
  auto b_to_a = std::make_shared<Queue>();
  return {std::make_unique<MemoryEnd>(b_to_a, a_to_b, "memory peer B"),
          std::make_unique<MemoryEnd>(a_to_b, b_to_a, "memory peer A")};
}

}  // namespace kenning::protocol
