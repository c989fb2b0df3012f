#include "protocols/listener.h"

#include "kenning/core/error.h"
#include "protocols/framed_protocol.h"

namespace kenning::protocol {

std::unique_ptr<Listener> make_listener(const Protocol& protocol) {
  const auto* framed = dynamic_cast<const FramedProtocol*>(&protocol);
  if (!framed) throw ConfigError("protocol '" + protocol.type_name() + "' has no target side to serve with");
  return framed->make_listener();
}

}  // namespace kenning::protocol
