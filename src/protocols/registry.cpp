// The protocol family's class list.
#include "kenning/registries.h"
#include "network_protocol.h"

namespace kenning {

void register_protocols(Registry<Protocol>& r) { r.add<NetworkProtocol>("network"); }

}  // namespace kenning
