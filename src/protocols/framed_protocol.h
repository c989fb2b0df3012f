// What NetworkProtocol and UARTProtocol share: the host side of a session
// (a ClientSession over a Channel over the link the subclass opens), and a
// factory for the target side, a Listener from the same parameters.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "kenning/protocol.h"
#include "protocols/channel.h"
#include "protocols/client_session.h"
#include "protocols/listener.h"
#include "protocols/transport.h"

namespace kenning::protocol {

// How a session opens and closes, which differs by link as upstream's does.
struct SessionRituals {
  bool ping_on_open = false;   // PING + SUCCESS first (serial lines; TCP only with a token)
  bool ping_on_close = false;  // PING + FAIL last (serial lines, which have no end of file)
  int ping_attempts = 1;
  std::chrono::milliseconds ping_wait{0};  // per attempt; 0: the channel's timeout
};

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
  nlohmann::json download_statistics(bool /*final*/) override { return client().download_statistics(); }

  void disconnect() override;

  // The target side, from this object's parameters (see make_listener).
  virtual std::unique_ptr<Listener> make_listener() const = 0;

 protected:
  // Takes over an open link as the client, opening the session as `rituals` say.
  void start_client(std::unique_ptr<Transport> link, ChannelOptions options, const std::string& token,
                    SessionRituals rituals);

 private:
  ClientSession& client();

  std::unique_ptr<Transport> link_;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<ClientSession> client_;
  SessionRituals rituals_;
};

}  // namespace kenning::protocol
