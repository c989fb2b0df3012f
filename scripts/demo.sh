#!/usr/bin/env bash
# Installs the dependencies, builds the CLI and runs the default scenario:
# the project-trained Fashion-MNIST CNN (trained first if the committed model
# is missing) on the 10 000 test images with the OpenCV DNN runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh kenning
SCENARIO=scenarios/fashion-mnist-cnn.json
if [ ! -f models/fashion-mnist-cnn.onnx ]; then
  echo "demo: no committed model found, training it (a few minutes)"
  build/bin/kenning train --cfg "$SCENARIO" --logdir build/training-logs
fi
mkdir -p build
build/bin/kenning test --cfg "$SCENARIO" --measurements build/measurements.json
