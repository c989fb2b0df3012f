// DATA and OUTPUT payloads: tensors concatenated as raw bytes in spec order
// (upstream Kenning's layout). Shapes do not travel; the receiver rebuilds
// them from the I/O spec, with the batch size as the first dimension.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/tensor.h"

namespace kenning::protocol {

std::vector<std::byte> concat_tensors(std::span<const TensorView> tensors);
std::vector<std::byte> concat_tensors(const std::vector<Tensor>& tensors);

// Splits `bytes` into one tensor per spec. The batch size is whatever makes
// the byte count add up; throws ConfigError naming `what` when it does not,
// or when a spec has an unknown (-1) dimension other than the first.
std::vector<Tensor> split_tensors(std::span<const std::byte> bytes, const std::vector<TensorSpec>& specs,
                                  const std::string& what);

}  // namespace kenning::protocol
