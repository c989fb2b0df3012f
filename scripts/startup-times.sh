#!/usr/bin/env bash
# Start-up cost of every test program: the CPU time (user + system) of
# `<test> --gtest_list_tests`, the least of 5 runs, with its test count and
# how many shared libraries it loads; then `kenning list`, and a summary.
# Each test case is its own process under ctest, so a program's start-up is
# paid once per case.
# Usage: scripts/startup-times.sh [build folder]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
least_cpu_ms() {
  local best=""
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o "$timing" -f "%U %S" "$@" >/dev/null 2>&1 || true
    local t
    t=$(awk '{printf "%d", ($1 + $2) * 1000}' "$timing")
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}
for t in "$build"/bin/test_*; do
  n=$("$t" --gtest_list_tests 2>/dev/null | grep -c '^  ' || true)
  printf '%6d ms %4d tests %4d libs  %s\n' "$(least_cpu_ms "$t" --gtest_list_tests)" "$n" "$(ldd "$t" | wc -l)" \
    "$(basename "$t")"
done | sort -n | tee >(awk '{cases += $3; cpu += $1 * $3; if ($1 < 100) fast += $3}
  END {printf "%d test cases; %d in programs starting in under 100 ms; start-up CPU summed over cases: %.1f s\n",
       cases, fast, cpu / 1000}' >&2)
printf '%6d ms            %4d libs  kenning list\n' "$(least_cpu_ms "$build"/bin/kenning list)" \
  "$(ldd "$build"/bin/kenning | wc -l)"
