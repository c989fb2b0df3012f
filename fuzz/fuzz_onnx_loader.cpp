// Fuzz target: any bytes given to our ONNX loader (protobuf parse, opset and
// wiring checks, initializer reading, topological sort, op lookup) end in an
// Executor or a kenning::Error — never a crash, a hang or a huge allocation.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "onnx_exec/executor.h"
#include "onnx_exec/graph.h"
#include "kenning/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  onnx::ModelProto model;
  if (size > (1u << 20) || !model.ParseFromArray(data, static_cast<int>(size))) return 0;
  // External data resolves against this folder; the loader must not leave it.
  static const std::filesystem::path file = std::filesystem::temp_directory_path() / "kenning-fuzz" / "model.onnx";
  try {
    kenning::onnx_exec::Executor::from_graph(kenning::onnx_exec::build_graph(model, file));
  } catch (const kenning::Error&) {
    // Refusing a malformed or unsupported model is the expected outcome.
  }
  return 0;
}
