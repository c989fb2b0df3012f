// Counts heap allocations and their bytes made by this process (malloc, calloc, realloc,
// posix_memalign, aligned_alloc, memalign and so operator new), so benchmarks
// can show that steady-state inference allocates nothing. Linking
// alloc_counter.cpp interposes those functions over glibc's.
#pragma once

#include <cstdint>

namespace kenning::bench {

std::uint64_t allocation_count();
// Bytes requested by those allocations.
std::uint64_t allocated_bytes();

}  // namespace kenning::bench
