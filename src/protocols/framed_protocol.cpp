#include "protocols/framed_protocol.h"

#include "kenning/core/error.h"

namespace kenning::protocol {

FramedProtocol::~FramedProtocol() {
  try {
    disconnect();
  } catch (const std::exception&) {
  }
}

void FramedProtocol::start_client(std::unique_ptr<Transport> link, ChannelOptions options, const std::string& token,
                                  SessionRituals rituals) {
  disconnect();
  link_ = std::move(link);
  channel_ = std::make_unique<Channel>(*link_, options);
  client_ = std::make_unique<ClientSession>(*channel_);
  rituals_ = rituals;
  if (rituals_.ping_on_open) client_->hello(token, rituals_.ping_attempts, rituals_.ping_wait);
}

ClientSession& FramedProtocol::client() {
  if (!client_) throw ProtocolError(type_name() + ": not connected (initialize_client was not called)");
  return *client_;
}

void FramedProtocol::disconnect() {
  if (client_ && rituals_.ping_on_close) {
    try {
      client_->goodbye(rituals_.ping_attempts, rituals_.ping_wait);
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
