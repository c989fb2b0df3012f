// DataProvider family: a source of inputs for runtime applications (camera,
// video file, folder of images, network stream). Interface only for now.
#pragma once

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
  // The next input, or nullopt when the source has ended.
  virtual std::optional<std::vector<Tensor>> fetch_input() = 0;
  virtual std::vector<TensorSpec> output_spec() const = 0;
  // Releases the device or file; safe to call more than once.
  virtual void close() = 0;
};

}  // namespace kenning
