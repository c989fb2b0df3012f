#include "protocols/tensor_payload.h"

#include <cstring>

#include "kenning/core/error.h"

namespace kenning::protocol {

std::vector<std::byte> concat_tensors(std::span<const TensorView> tensors) {
  std::size_t total = 0;
  for (const auto& t : tensors) total += t.bytes().size();
  std::vector<std::byte> out;
  out.reserve(total);
  for (const auto& t : tensors) out.insert(out.end(), t.bytes().begin(), t.bytes().end());
  return out;
}

std::vector<std::byte> concat_tensors(const std::vector<Tensor>& tensors) {
  std::vector<TensorView> views;
  for (const auto& t : tensors) views.push_back(t.view());
  return concat_tensors(views);
}

std::vector<Tensor> split_tensors(std::span<const std::byte> bytes, const std::vector<TensorSpec>& specs,
                                  const std::string& what) {
  if (specs.empty()) throw ConfigError(what + ": the I/O spec lists no tensors");
  std::vector<std::size_t> sample_bytes;
  std::size_t per_sample = 0;
  for (const auto& s : specs) {
    if (s.shape.empty()) throw ConfigError(what + ": tensor '" + s.name + "' has no shape in the I/O spec");
    std::size_t n = dtype_size(s.dtype);
    for (std::size_t d = 1; d < s.shape.size(); ++d) {
      if (s.shape[d] < 0) {
        throw ConfigError(what + ": tensor '" + s.name + "' has shape " + shape_to_string(s.shape) +
                          "; only the first (batch) dimension may be -1");
      }
      n *= static_cast<std::size_t>(s.shape[d]);
    }
    sample_bytes.push_back(n);
    per_sample += n;
  }
  if (per_sample == 0 || bytes.size() % per_sample != 0 || bytes.empty()) {
    throw ConfigError(what + ": " + std::to_string(bytes.size()) + " bytes are not a whole number of samples of " +
                      std::to_string(per_sample) + " bytes");
  }
  const auto batch = static_cast<std::int64_t>(bytes.size() / per_sample);
  std::vector<Tensor> out;
  std::size_t offset = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Shape shape = specs[i].shape;
    if (shape[0] >= 0 && shape[0] != batch) {
      throw ConfigError(what + ": tensor '" + specs[i].name + "' has batch size " + std::to_string(shape[0]) +
                        " in the I/O spec, the payload holds " + std::to_string(batch));
    }
    shape[0] = batch;
    Tensor t(specs[i].dtype, shape);
    std::memcpy(t.bytes().data(), bytes.data() + offset, t.nbytes());
    offset += t.nbytes();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace kenning::protocol
