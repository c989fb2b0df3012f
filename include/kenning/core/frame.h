// Frames: what cameras, videos, image folders and streams provide. A frame
// is a uint8 tensor [height, width, 3] in OpenCV's BGR order, row-major.
#pragma once

#include <string>

#include "kenning/core/io_spec.h"

namespace kenning {

inline TensorSpec frame_spec(std::string name = "frame") {
  TensorSpec s;
  s.name = std::move(name);
  s.shape = {-1, -1, 3};
  s.dtype = DType::UInt8;
  return s;
}

}  // namespace kenning
