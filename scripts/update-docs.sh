#!/bin/sh
# Rewrites the parts of docs/ generated from code: the measurement key table
# from include/kenning/measurement/keys.h, and the table of what `kenning
# test` does with upstream's example scenarios (tests/data/upstream). The
# MeasurementKeys and Upstream tests fail until this has been run after a
# key or an outcome changes.
set -eu
cd "$(dirname "$0")/.."
build="${KENNING_BUILD_DIR:-build}"
cmake --build "$build" --target kenning_docs
"$build/bin/kenning_docs" measurement-keys docs/measurements.md
echo "docs/measurements.md: key table regenerated"
# The table of upstream's example scenarios: what `kenning test` does with each.
cmake --build "$build" --target kenning test_cli_upstream
KENNING_UPDATE_DOCS=1 "$build/bin/test_cli_upstream" --gtest_filter='Upstream.ScenarioTableInDocsIsCurrent'
echo "docs/scenarios.md: upstream scenario table regenerated"
