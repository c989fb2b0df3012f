// What NetworkProtocol and UARTProtocol share: the host side of a session
// (a ClientSession over a Channel over the link the subclass opens), and a
// factory for the target side, a Listener from the same parameters.
#pragma once

#include <memory>
#include <string>

#include "protocols/channel.h"
#include "protocols/client_session.h"
#include "kenning/protocol.h"
#include "protocols/listener.h"
#include "protocols/transport.h"

namespace kenning::protocol {

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

  // The target side, from this object's parameters (see make_listener).
  virtual std::unique_ptr<Listener> make_listener() const = 0;

 protected:
  // Takes over an open link as the client: PING (with `token`) and its STATUS.
  void start_client(std::unique_ptr<Transport> link, ChannelOptions options, const std::string& token);
  // Upstream's serial client ends a session with PING + FAIL (a line has no end of file).
  void say_goodbye_on_disconnect(bool yes) { goodbye_ = yes; }

 private:
  ClientSession& client();

  std::unique_ptr<Transport> link_;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<ClientSession> client_;
  bool goodbye_ = false;
};

}  // namespace kenning::protocol
