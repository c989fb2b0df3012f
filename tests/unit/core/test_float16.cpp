// The one float16 conversion (kenning/core/float16.h) against the binary16
// definition: every half value round-trips, rounding is to nearest even,
// and the range ends become infinities or zeros.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kenning/core/float16.h"

namespace kenning {
namespace {

bool is_half_nan(std::uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0; }

TEST(Float16, EveryHalfRoundTrips) {
  for (std::uint32_t h = 0; h <= 0xffffu; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const float f = half_to_float(bits);
    if (is_half_nan(bits)) {
      EXPECT_TRUE(std::isnan(f)) << h;
      EXPECT_TRUE(is_half_nan(float_to_half(f))) << h;
    } else {
      EXPECT_EQ(float_to_half(f), bits) << h;
    }
  }
}

TEST(Float16, KnownValues) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00u);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000u);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bffu);  // largest finite half
  EXPECT_EQ(float_to_half(0x1p-24f), 0x0001u);  // smallest subnormal
  EXPECT_EQ(float_to_half(0x1p-14f), 0x0400u);  // smallest normal
  EXPECT_FLOAT_EQ(half_to_float(0x3555u), 0.333251953125f);
}

TEST(Float16, RoundsToNearestEven) {
  EXPECT_EQ(float_to_half(1.0f + 0x1p-11f), 0x3c00u);             // tie, even below
  EXPECT_EQ(float_to_half(1.0f + 3 * 0x1p-11f), 0x3c02u);         // tie, even above
  EXPECT_EQ(float_to_half(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01u);  // just above the tie
  EXPECT_EQ(float_to_half(0x1p-25f), 0x0000u);                    // subnormal tie to zero
  EXPECT_EQ(float_to_half(3 * 0x1p-25f), 0x0002u);                // subnormal tie up to even
}

TEST(Float16, RangeEnds) {
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00u);  // rounds past the largest finite half
  EXPECT_EQ(float_to_half(1e10f), 0x7c00u);
  EXPECT_EQ(float_to_half(-1e10f), 0xfc00u);
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::infinity()), 0x7c00u);
  EXPECT_EQ(float_to_half(1e-10f), 0x0000u);
  EXPECT_EQ(float_to_half(-1e-10f), 0x8000u);
  EXPECT_TRUE(is_half_nan(float_to_half(std::numeric_limits<float>::quiet_NaN())));
}

}  // namespace
}  // namespace kenning
