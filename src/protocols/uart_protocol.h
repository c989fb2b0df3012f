// UARTProtocol: upstream Kenning's protocol over a serial line (asio
// serial_port), client side only, as upstream's: the target is a board (or
// anything speaking the protocol on the other end of the line).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kenning/core/params.h"
#include "kenning/protocol.h"

namespace kenning {

namespace protocol {
class SerialTransport;
class ClientSession;
}  // namespace protocol

class UARTProtocol : public Protocol {
 public:
  static constexpr const char* kDescription = "Kenning's host/target protocol over a serial line (client only)";

  struct Params {
    std::string port;
    std::int64_t baudrate = 9600;
    std::int64_t packet_size = 1024;
    double timeout = 30.0;
    std::int64_t max_message_size = std::int64_t{256} << 20;
    bool error_recovery = false;
  };
  static const ParamSchema<Params>& schema();

  explicit UARTProtocol(const Params& params);
  ~UARTProtocol() override;
  UARTProtocol(const UARTProtocol&) = delete;
  UARTProtocol& operator=(const UARTProtocol&) = delete;

  void initialize_client() override;
  void upload_io_specification(const IOSpec& spec) override;
  void upload_model(const std::filesystem::path& model) override;
  void upload_input(std::span<const std::byte> data) override;
  void request_processing() override;
  std::vector<std::byte> download_output() override;
  nlohmann::json download_statistics(bool final) override;

  // NotSupported: the serial side of a target is not `kenning server`.
  void initialize_server() override;
  protocol::Channel& accept_client() override;
  std::string endpoint() const override { return params_.port; }
  std::string access_token() const override { return {}; }

  void disconnect() override;

 private:
  protocol::ClientSession& client();

  Params params_;
  std::unique_ptr<protocol::SerialTransport> transport_;
  std::unique_ptr<protocol::Channel> channel_;
  std::unique_ptr<protocol::ClientSession> client_;
};

}  // namespace kenning
