// The I/O specification an ONNX file itself declares (graph inputs that are
// not initializers, graph outputs), for models that come without a sidecar.
// Only available when built with KENNING_WITH_ONNX.
#pragma once

#include <filesystem>

#include "kenning/core/io_spec.h"

namespace kenning {

// Symbolic or missing dimensions become -1. Throws IoError for a file that is
// not ONNX and NotSupported for element types Tensor has no dtype for.
IOSpec io_spec_from_onnx(const std::filesystem::path& path);

// The sidecar when the model has one, else what the ONNX file declares.
IOSpec load_or_derive_onnx_io_spec(const std::filesystem::path& path);

}  // namespace kenning
