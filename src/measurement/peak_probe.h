// A small built-in probe of this machine's peak floating-point rate on one
// core: independent fused multiply-add chains in the widest vector unit the
// CPU has (AVX-512, AVX2+FMA, else SSE2), long enough to reach steady
// clocks. Achieved GFLOP/s of a model is reported as a fraction of it.
#pragma once

#include <string>

namespace kenning {

struct PeakProbe {
  double gflops = 0;  // float32, one thread
  std::string isa;    // "avx512f", "avx2+fma" or "sse2"
};

// Runs for about 50 ms the first time; later calls return the first result.
const PeakProbe& single_core_peak();

}  // namespace kenning
