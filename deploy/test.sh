#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer and UndefinedBehaviorSanitizer and
# runs every test; then builds the release configuration and runs the tests there too; builds
# the libFuzzer targets and runs each for 20 s; builds and checks the Debian package (contents,
# lintian, systemd-analyze); builds the container image from that package and runs it against
# mosaic-sim and mosquitto; and cross-builds the arm64 package and runs its unit tests and
# programs under qemu (deploy/test-arm64.sh). Each stage prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh test
jobs=$(nproc)

# A compiler cache shared by every build below and by earlier runs on the same machine: paths
# are taken relative to the checkout, so another clone of the same sources hits it too.
export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1

stage_start=$SECONDS
stage() {
  echo "== $1"
  stage_start=$SECONDS
}
took() { echo "== $1 took $((SECONDS - stage_start)) s"; }

for preset in asan release; do
  stage "$preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  took "$preset build"
  stage "$preset tests"
  ctest --preset "$preset" -j"$jobs" --timeout 300
  took "$preset tests"
done

stage "fuzz"
# Nine targets of 20 s each: three minutes of fuzzing.
./deploy/fuzz.sh 20 link_text link_binary log_entry get_payload set_payload site_config \
  ha_inbound auth_answer control_answer
took "fuzz"

stage "package"
# The release build's package: checked here, and the container image is made from it.
deb=$(./deploy/package.sh)
./deploy/check-package.sh "$deb"
took "package"

stage "container image"
image=$(./deploy/image.sh "$deb")
echo "$image"
python3 tests/deploy/image_test.py "$image" build/bin/mosaic-sim
took "container image"

stage "arm64"
./deploy/test-arm64.sh
took "arm64"
