// NumPy .npy files (format versions 1.0-3.0): what `kenning infer` reads as
// inputs and writes as outputs, so tensors move between kenning and Python.
//
// Only little-endian, C-ordered arrays of the dtypes Tensor has are accepted;
// anything else is an IoError naming the file and what was found.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "kenning/core/tensor.h"

namespace kenning {

// Parses .npy bytes; `where` (usually the file name) prefixes every error.
Tensor parse_npy(std::string_view bytes, const std::string& where);
// Reads a .npy file; refuses files over 4 GiB before reading them.
Tensor load_npy(const std::filesystem::path& path);

// Serialises a tensor as a version 1.0 .npy file.
std::string to_npy(const TensorView& tensor);
// Writes a .npy file atomically (a temporary file renamed into place).
void save_npy(const TensorView& tensor, const std::filesystem::path& path);

}  // namespace kenning
