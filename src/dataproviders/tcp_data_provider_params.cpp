// TCPDataProvider's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "dataproviders/tcp_data_provider.h"

namespace kenning {

const ParamSchema<TCPDataProvider::Params>& TCPDataProvider::schema() {
  static const auto s =
      ParamSchema<Params>("TCPDataProvider", "Frames sent by one TCP client: u32 little-endian length + encoded image")
          .field("host", &Params::host, "Address to listen on (loopback by default)")
          .field("port", &Params::port, "Port to listen on; 0: any free port")
          .range(0, 65535)
          .field("max_frame_bytes", &Params::max_frame_bytes, "Largest encoded frame accepted")
          .range(1, 1 << 30)
          .field("timeout_ms", &Params::timeout_ms, "Longest wait for the client and for each frame")
          .range(1, 3600000);
  return s;
}

}  // namespace kenning
