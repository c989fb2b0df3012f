#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) on C++ units: those changed since REV
# (default: the upstream of the current branch, else HEAD~1), or the files given.
# Usage: scripts/lint.sh [--since REV] [FILE.cpp...]
# It configures build-lint/ (no precompiled headers: clang cannot read g++'s)
# for the compile commands only; nothing is built there.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-tidy >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq --no-install-recommends clang-tidy
fi
since=""
if [ "${1:-}" = "--since" ]; then since="$2"; shift 2; fi
if [ ! -f build-lint/compile_commands.json ]; then
  cmake -S . -B build-lint -G Ninja -DCMAKE_BUILD_TYPE=Release -DKENNING_PCH=OFF -DKENNING_CCACHE=OFF >/dev/null
fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  [ -n "$since" ] || since=$(git rev-parse --abbrev-ref '@{upstream}' 2>/dev/null || echo HEAD~1)
  mapfile -t files < <(git diff --name-only --diff-filter=AM "$since" -- '*.cpp')
fi
if [ ${#files[@]} -eq 0 ]; then echo "lint: no changed .cpp files"; exit 0; fi
clang-tidy -p build-lint --quiet "${files[@]}"
