// Fuzz target: the .npy parser must turn any bytes into a tensor or a
// kenning::Error — never a crash, an over-read or a huge allocation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kenning/core/error.h"
#include "kenning/core/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const kenning::Tensor t =
        kenning::parse_npy(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    // A parsed tensor must account for exactly the bytes it owns.
    if (t.nbytes() != static_cast<std::size_t>(t.numel()) * kenning::dtype_size(t.dtype())) __builtin_trap();
  } catch (const kenning::Error&) {
    // Refusing malformed input is the expected outcome.
  }
  return 0;
}
