#include "measurement/peak_probe.h"

#include <algorithm>
#include <chrono>

#include <immintrin.h>

namespace kenning {
namespace {

// Twelve independent accumulators hide the FMA latency (4 cycles, 2 ports).
constexpr int kChains = 12;

template <class F>
double best_gflops(F&& run, double flops_per_call) {
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    volatile float sink = run();
    (void)sink;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, flops_per_call / s * 1e-9);
  }
  return best;
}

constexpr long kIterations = 200000;

__attribute__((target("avx512f"))) float fma_avx512() {
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i) {
    for (auto& a : acc) a = _mm512_fmadd_ps(a, x, y);
  }
  float sum = 0;
  for (auto& a : acc) sum += _mm512_reduce_add_ps(a);
  return sum;
}

__attribute__((target("avx2,fma"))) float fma_avx2() {
  __m256 acc[kChains];
  for (auto& a : acc) a = _mm256_set1_ps(0.0f);
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i) {
    for (auto& a : acc) a = _mm256_fmadd_ps(a, x, y);
  }
  alignas(32) float out[8];
  float sum = 0;
  for (auto& a : acc) {
    _mm256_store_ps(out, a);
    for (float v : out) sum += v;
  }
  return sum;
}

float mul_add_sse2() {
  __m128 acc[kChains];
  for (auto& a : acc) a = _mm_set1_ps(0.0f);
  const __m128 x = _mm_set1_ps(0.999999f), y = _mm_set1_ps(1e-7f);
  for (long i = 0; i < kIterations; ++i) {
    for (auto& a : acc) a = _mm_add_ps(_mm_mul_ps(a, x), y);
  }
  alignas(16) float out[4];
  float sum = 0;
  for (auto& a : acc) {
    _mm_store_ps(out, a);
    for (float v : out) sum += v;
  }
  return sum;
}

PeakProbe probe() {
  __builtin_cpu_init();  // safe even if called before other constructors ran
  // 2 FLOPs per lane per multiply-add.
  if (__builtin_cpu_supports("avx512f")) {
    return {best_gflops(fma_avx512, 2.0 * 16 * kChains * kIterations), "avx512f"};
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return {best_gflops(fma_avx2, 2.0 * 8 * kChains * kIterations), "avx2+fma"};
  }
  return {best_gflops(mul_add_sse2, 2.0 * 4 * kChains * kIterations), "sse2"};
}

}  // namespace

const PeakProbe& single_core_peak() {
  static const PeakProbe result = probe();
  return result;
}

}  // namespace kenning
