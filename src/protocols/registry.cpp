// The protocol family's class list.
#include "kenning/registries.h"
#include "protocols/network_protocol.h"
#include "protocols/uart_protocol.h"

namespace kenning {

void register_protocols(Registry<Protocol>& r) {
  r.add<NetworkProtocol>("network");
  r.add<UARTProtocol>("uart");
}

}  // namespace kenning
