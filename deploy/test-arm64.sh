#!/usr/bin/env bash
# Cross-builds the arm64 package and tests it on this (amd64) machine under qemu-user-static:
#   1. deploy/package.sh --arch arm64 (the two programs, warnings as errors);
#   2. the unit tests of the pure layers (protocol, config, mqtt, features), built for arm64
#      and run through qemu (the mqtt tests against a native mosquitto on loopback);
#   3. the arm64 gateway's --version and --check of the demo site file, and mosaic-sim --help;
#   4. deploy/check-package.sh on the arm64 .deb (contents, lintian, systemd-analyze).
#
#   deploy/test-arm64.sh [BUILD_DIR]        (default build-arm64/)
#
# Only what these checks need is cross-built: the session, service and integration layers'
# tests run natively in deploy/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build-arm64}
jobs=$(nproc)
qemu=(qemu-aarch64-static -L /)

echo "== arm64 package"
deb=$(./deploy/package.sh --arch arm64 "$build" -DMG_WERROR=ON)
echo "$deb"

echo "== arm64 unit tests (qemu)"
layers=(protocol config mqtt features)
cmake --build "$build" -j"$jobs" --target "${layers[@]/%/_tests}"
label=$(IFS='|'; echo "^(${layers[*]})\$")
ctest --test-dir "$build" -L "$label" -j"$jobs" --timeout 300 --output-on-failure

echo "== arm64 programs (qemu)"
gateway=$build/bin/mosaic-gateway
version=$("${qemu[@]}" "$gateway" --version)
expected="mosaic-gateway $(sed -n 's/^project(mosaic-gateway VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
[ "$version" = "$expected" ] || { echo "FAIL: --version printed '$version', expected '$expected'"; exit 1; }
echo "ok:   --version: $version"
for site in config/demo.yaml; do
  "${qemu[@]}" "$gateway" --check -c "$site" >/dev/null \
    || { echo "FAIL: --check -c $site"; exit 1; }
  echo "ok:   --check -c $site"
done
"${qemu[@]}" "$build/bin/mosaic-sim" --help >/dev/null || { echo "FAIL: mosaic-sim --help"; exit 1; }
echo "ok:   mosaic-sim --help"

echo "== arm64 package checks"
./deploy/check-package.sh "$deb"
