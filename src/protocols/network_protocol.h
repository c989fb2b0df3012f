// NetworkProtocol: upstream Kenning's protocol over TCP (asio). The server
// listens on 127.0.0.1 unless `host` says otherwise, and then only with a
// `token` every client must present.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kenning/core/params.h"
#include "kenning/protocol.h"

namespace kenning {

namespace protocol {
class TcpListener;
class TcpTransport;
class ClientSession;
struct ChannelOptions;
}  // namespace protocol

class NetworkProtocol : public Protocol {
 public:
  static constexpr const char* kDescription = "Kenning's host/target protocol over TCP";

  struct Params {
    std::string host = "127.0.0.1";
    std::int64_t port = 12345;
    std::int64_t packet_size = 4096;
    double timeout = 30.0;
    std::int64_t max_message_size = std::int64_t{256} << 20;
    bool error_recovery = false;
    std::string token;
  };
  static const ParamSchema<Params>& schema();

  explicit NetworkProtocol(const Params& params);
  ~NetworkProtocol() override;
  NetworkProtocol(const NetworkProtocol&) = delete;
  NetworkProtocol& operator=(const NetworkProtocol&) = delete;

  void initialize_client() override;
  void upload_io_specification(const IOSpec& spec) override;
  void upload_model(const std::filesystem::path& model) override;
  void upload_input(std::span<const std::byte> data) override;
  void request_processing() override;
  std::vector<std::byte> download_output() override;
  nlohmann::json download_statistics(bool final) override;

  void initialize_server() override;
  protocol::Channel& accept_client() override;
  std::string endpoint() const override;
  std::string access_token() const override { return params_.token; }

  void disconnect() override;

 private:
  protocol::ChannelOptions channel_options(bool is_host) const;
  protocol::ClientSession& client();

  Params params_;
  std::unique_ptr<protocol::TcpListener> listener_;
  std::unique_ptr<protocol::TcpTransport> transport_;
  std::unique_ptr<protocol::Channel> channel_;
  std::unique_ptr<protocol::ClientSession> client_;
};

}  // namespace kenning
