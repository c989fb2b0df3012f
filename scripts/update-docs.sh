#!/bin/sh
# Rewrites the parts of docs/ generated from code (the measurement key table
# from include/kenning/measurement/keys.h). The MeasurementKeys tests fail
# until this has been run after a key changes.
set -eu
cd "$(dirname "$0")/.."
build="${KENNING_BUILD_DIR:-build}"
cmake --build "$build" --target kenning_docs
"$build/bin/kenning_docs" measurement-keys docs/measurements.md
echo "docs/measurements.md: key table regenerated"
