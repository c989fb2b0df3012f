// DataProvider family: a source of inputs for runtime applications (camera,
// video file, folder of images, network stream), the first runner of a
// `kenning flow`.
//
// Call order: prepare once, fetch_input until it returns nullopt, close.
// The flow may call prepare/fetch_input on a thread of its own (decoding runs
// beside inference); a provider is only used by one thread at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "kenning/core/io_spec.h"
#include "kenning/core/plugin.h"
#include "kenning/core/tensor.h"

namespace kenning {

class DataProvider : public Plugin {
 public:
  // Opens the device or file; throws IoError naming it when it cannot.
  virtual void prepare() = 0;
  // The next input, one tensor per output_spec() entry, or nullopt when the
  // source has ended. Frames follow kenning/core/frame.h.
  virtual std::optional<std::vector<Tensor>> fetch_input() = 0;
  virtual std::vector<TensorSpec> output_spec() const = 0;
  // Releases the device or file; safe to call more than once.
  virtual void close() = 0;
  // Inputs skipped so far because they could not be read (each is warned
  // about once); the flow reports the count at the end.
  virtual std::size_t skipped() const { return 0; }
};

}  // namespace kenning
