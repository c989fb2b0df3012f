// IEEE 754 binary16 ("float16", "half") conversions: the one implementation
// the optimizers (float16 weight compression) and the datasets (random
// float16 inputs) share.
#pragma once

#include <cstdint>

namespace kenning {

// The binary16 bits nearest to `value` (round to nearest, ties to even).
// Values beyond the half range become infinities; NaN stays a (quiet) NaN.
std::uint16_t float_to_half(float value);

// The float32 value of binary16 bits (exact: every half is a float).
float half_to_float(std::uint16_t bits);

}  // namespace kenning
