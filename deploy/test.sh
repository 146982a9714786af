#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer and UndefinedBehaviorSanitizer and
# runs every test; then builds the release configuration and runs the tests there too; builds
# the libFuzzer targets and runs each for 30 s; and builds and checks the Debian package
# (contents, lintian, systemd-analyze).
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh test
jobs=$(nproc)

for preset in asan release; do
  echo "== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "== $preset tests"
  ctest --preset "$preset" -j"$jobs" --timeout 300
done

echo "== fuzz"
# Nine targets of 30 s each: four and a half minutes of fuzzing.
./deploy/fuzz.sh 30 link_text link_binary log_entry get_payload set_payload site_config \
  ha_inbound auth_answer control_answer

echo "== package"
./deploy/check-package.sh
