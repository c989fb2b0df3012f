// The target side of a protocol (`kenning server`): a Listener waits for
// hosts and yields one Connection per client. Built by make_listener from a
// host-side Protocol, so one scenario `protocol` block, validated once by
// the registry, configures both sides.
//
// Call order: listen() once, then accept() for each client. A Connection
// owns its link; destroying it hangs up, and it is destroyed before the
// next accept() (a serial line carries one session at a time).
#pragma once

#include <memory>
#include <string>

#include "kenning/protocol.h"
#include "protocols/channel.h"
#include "protocols/transport.h"

namespace kenning::protocol {

// One accepted client: its link and the channel over it.
class Connection {
 public:
  Connection(std::unique_ptr<Transport> link, ChannelOptions options)
      : link_(std::move(link)), channel_(*link_, options) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Channel& channel() { return channel_; }
  Transport& transport() { return *link_; }

 private:
  // Declared in this order so the channel flushes before the link closes.
  std::unique_ptr<Transport> link_;
  Channel channel_;
};

class Listener {
 public:
  virtual ~Listener() = default;
  // Binds the address or checks the port opens; throws ProtocolError, or
  // ConfigError for an address the parameters may not serve on.
  virtual void listen() = 0;
  // Waits, without a time limit, for the next client; throws ProtocolError
  // when one arrives but cannot be set up (the listener stays usable).
  virtual std::unique_ptr<Connection> accept() = 0;
  // Where it listens ("127.0.0.1:12345", "/dev/ttyS1"), once listening.
  virtual std::string endpoint() const = 0;
  // Shared secret a client must send in its first PING; empty: none.
  virtual std::string access_token() const = 0;
};

// The target side of `protocol`, from the parameters it was built with;
// throws ConfigError when its class has no target side.
std::unique_ptr<Listener> make_listener(const Protocol& protocol);

}  // namespace kenning::protocol
