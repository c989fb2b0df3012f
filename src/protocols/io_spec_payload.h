// The IO_SPEC upload, in the two forms upstream Kenning's hosts send:
//  * JSON (NetworkProtocol), written as upstream writes it (Python's
//    json.dumps: ", " and ": " separators, entries' keys in the order name,
//    shape, dtype, ...), so our uploads are byte for byte upstream's;
//  * a 356-byte packed little-endian struct (UARTProtocol, for targets with
//    no JSON parser): up to 2 inputs and 12 outputs of at most 4 dimensions,
//    each dtype as a DLPack code (low byte) and bit width (high byte).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"

namespace kenning::protocol {

constexpr std::size_t kIoSpecStructSize = 356;

std::string io_spec_json_payload(const IOSpec& spec);
// The struct form, or nullopt when `spec` does not fit it (too many
// tensors or dimensions, a dynamic dimension, a dtype it cannot name).
std::optional<std::vector<std::byte>> io_spec_struct_payload(const IOSpec& spec);
// Either form: JSON when it starts with '{' (after white space), the struct
// when it is exactly kIoSpecStructSize bytes; throws ConfigError otherwise.
IOSpec parse_io_spec_payload(std::span<const std::byte> payload);
bool is_io_spec_struct(std::span<const std::byte> payload);

}  // namespace kenning::protocol
