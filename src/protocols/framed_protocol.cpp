#include "protocols/framed_protocol.h"

#include "kenning/core/error.h"

namespace kenning::protocol {

ChannelOptions make_channel_options(std::int64_t packet_size, std::int64_t max_message_size, double timeout_s,
                                    bool error_recovery, bool is_host) {
  ChannelOptions o;
  o.packet_size = static_cast<std::size_t>(packet_size);
  o.max_message_size = static_cast<std::size_t>(max_message_size);
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  o.error_recovery = error_recovery;
  o.is_host = is_host;
  return o;
}

FramedProtocol::~FramedProtocol() {
  try {
    disconnect();
  } catch (const std::exception&) {
  }
}

void FramedProtocol::start_client(std::unique_ptr<Transport> link, ChannelOptions options, const std::string& token) {
  disconnect();
  link_ = std::move(link);
  channel_ = std::make_unique<Channel>(*link_, options);
  client_ = std::make_unique<ClientSession>(*channel_);
  client_->hello(token);
}

Channel& FramedProtocol::start_server_session(std::unique_ptr<Transport> link, ChannelOptions options) {
  disconnect();
  link_ = std::move(link);
  channel_ = std::make_unique<Channel>(*link_, options);
  return *channel_;
}

ClientSession& FramedProtocol::client() {
  if (!client_) throw ProtocolError(type_name() + ": not connected (initialize_client was not called)");
  return *client_;
}

void FramedProtocol::disconnect() {
  if (client_ && goodbye_) {
    try {
      client_->goodbye();
    } catch (const std::exception&) {
      // The target is gone already; nothing to say goodbye to.
    }
  }
  client_.reset();
  channel_.reset();
  if (link_) link_->close();
  link_.reset();
}

}  // namespace kenning::protocol
