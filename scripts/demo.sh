#!/usr/bin/env bash
# Installs the dependencies, builds the CLI and runs the default scenario:
# the project-trained Fashion-MNIST CNN (trained first if the committed model
# is missing) quantized to int8 (calibrated on the dataset's calibration
# split), tested on the 10 000 test images with our ONNX runtime, against the
# float32 model it came from (--evaluate-unoptimized), then rendered as a
# report (build/report.md with its figures, build/report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh kenning
SCENARIO=scenarios/fashion-mnist-int8.json
if [ ! -f models/fashion-mnist-cnn.onnx ]; then
  echo "demo: no committed model found, training it (a few minutes)"
  build/bin/kenning train --cfg scenarios/fashion-mnist-cnn.json --logdir build/training-logs
fi
mkdir -p build
build/bin/kenning optimize test --cfg "$SCENARIO" --evaluate-unoptimized --measurements build/measurements.json
# The same run as a report: float32 against int8, with figures and an HTML page.
build/bin/kenning report --measurements build/measurements.json --report-path build/report.md --to-html
