#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs the whole test suite
# (unit, integration, end-to-end and slow tests). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Third-party detector and sample images; their tests skip when this fails (offline).
scripts/fetch-models.sh || echo "test: fetch-models failed; the BlazeFace tests will skip" >&2
scripts/build.sh
cd build
ctest --output-on-failure -j 2 --timeout 900
