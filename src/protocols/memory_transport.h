// In-process transport: two byte queues joined back to back, for tests (a
// client and a server thread in one process) and the fuzzer (a server fed
// a fixed input). Reads block up to their timeout; closing one end lets the
// other read what is left, then see end of file.
#pragma once

#include <memory>
#include <utility>

#include "protocols/transport.h"

namespace kenning::protocol {

// Two connected ends: what one writes, the other reads.
std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> make_memory_pipe();

}  // namespace kenning::protocol
