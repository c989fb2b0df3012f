// TCPDataProvider: frames sent over TCP by one client.
//
// The provider listens on host:port and accepts a single client. Each frame
// is a 4-byte little-endian length N followed by N bytes of an encoded image
// (PNG, JPEG, BMP: anything cv::imdecode reads). N = 0, or the client
// closing the connection between frames, ends the stream. Every size and
// wait is bounded: N above max_frame_bytes, or no accept / no complete frame
// within timeout_ms, is an IoError. Frames that do not decode are skipped
// with a warning and counted, like unreadable files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kenning/core/params.h"
#include "kenning/data_provider.h"

namespace kenning {

class TCPDataProvider : public DataProvider {
 public:
  struct Params {
    std::string host = "127.0.0.1";
    std::int64_t port = 0;  // 0: any free port (see bound_port())
    std::int64_t max_frame_bytes = 16 << 20;
    std::int64_t timeout_ms = 10000;
  };
  static const ParamSchema<Params>& schema();
  explicit TCPDataProvider(const Params& params);
  ~TCPDataProvider() override;

  // Binds and listens (the client is accepted by the first fetch_input).
  void prepare() override;
  std::optional<std::vector<Tensor>> fetch_input() override;
  std::vector<TensorSpec> output_spec() const override;
  void close() override;
  std::size_t skipped() const override { return skipped_; }

  // The port listened on, once prepared.
  std::uint16_t bound_port() const;

 private:
  struct State;
  Params params_;
  std::unique_ptr<State> state_;
  std::size_t skipped_ = 0;
};

}  // namespace kenning
