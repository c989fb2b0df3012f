#!/usr/bin/env bash
# Replays the network-facing fuzz targets (protocol frames and whole server
# sessions, .npy parsing) under AddressSanitizer and UBSan, with the same
# deterministic mutations CTest uses, for a bounded number of inputs.
# Builds only those targets, into build-asan/ (g++ works: no libFuzzer needed).
# Usage: scripts/fuzz-asan.sh [iterations per seed, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-20000}"
if [ ! -f build-asan/build.ninja ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKENNING_SANITIZE=ON \
    -DKENNING_BUILD_TESTS=OFF -DKENNING_BUILD_BENCHMARKS=OFF >/dev/null
fi
cmake --build build-asan -j "$(nproc)" --target fuzz_protocol fuzz_npy
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
build-asan/bin/fuzz_protocol --iterations="$iterations" fuzz/corpus/protocol
build-asan/bin/fuzz_npy --iterations="$iterations" fuzz/corpus/npy
