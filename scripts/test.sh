#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs the whole test suite
# (unit, integration, end-to-end and slow tests). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j 2 --timeout 900
