// What NetworkProtocol and UARTProtocol share: the client side of a session
// (a ClientSession over a Channel over the link the subclass opens) and the
// server side's channel per client.
#pragma once

#include <memory>
#include <string>

#include "protocols/channel.h"
#include "protocols/client_session.h"
#include "kenning/protocol.h"
#include "protocols/transport.h"

namespace kenning::protocol {

// The parameters both protocols declare, as ChannelOptions.
ChannelOptions make_channel_options(std::int64_t packet_size, std::int64_t max_message_size, double timeout_s,
                                    bool error_recovery, bool is_host);

class FramedProtocol : public Protocol {
 public:
  ~FramedProtocol() override;

  void upload_io_specification(const IOSpec& spec) override { client().upload_io_specification(spec); }
  void upload_model(const std::filesystem::path& model) override { client().upload_model(model); }
  void upload_input(std::span<const std::byte> data) override { client().upload_input(data); }
  void request_processing() override { client().request_processing(); }
  std::vector<std::byte> download_output() override { return client().download_output(); }
  std::vector<std::byte> infer(std::span<const std::byte> data) override { return client().infer(data); }
  void run_target_benchmark(std::size_t runs, std::size_t warmup) override { client().benchmark(runs, warmup); }
  std::vector<std::byte> optimize_on_target(const nlohmann::json& request,
                                            const std::filesystem::path& model) override {
    return client().optimize_model(request, model);
  }
  nlohmann::json download_statistics(bool final) override { return client().download_statistics(final); }

  void disconnect() override;

 protected:
  // Takes over an open link as the client: PING (with `token`) and its STATUS.
  void start_client(std::unique_ptr<Transport> link, ChannelOptions options, const std::string& token);
  // Takes over an open link as the server and returns its channel.
  Channel& start_server_session(std::unique_ptr<Transport> link, ChannelOptions options);
  // Upstream's serial client ends a session with PING + FAIL (a line has no end of file).
  void say_goodbye_on_disconnect(bool yes) { goodbye_ = yes; }
  Transport* link() { return link_.get(); }

 private:
  ClientSession& client();

  std::unique_ptr<Transport> link_;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<ClientSession> client_;
  bool goodbye_ = false;
};

}  // namespace kenning::protocol
