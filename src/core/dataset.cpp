#include "kenning/dataset.h"

#include <numeric>

namespace kenning {

const char* split_name(Split split) {
  switch (split) {
    case Split::Train:
      return "train";
    case Split::Validation:
      return "validation";
    case Split::Test:
      return "test";
    case Split::Calibration:
      return "calibration";
  }
  return "?";
}

Batch Dataset::batch(Split split, std::size_t begin, std::size_t count) const {
  const std::size_t total = size(split);
  const std::size_t end = begin >= total ? begin : std::min(total, begin + count);
  std::vector<std::size_t> indices(end - begin);
  std::iota(indices.begin(), indices.end(), begin);
  return gather(split, indices);
}

}  // namespace kenning
