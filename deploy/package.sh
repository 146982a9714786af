#!/usr/bin/env bash
# Builds the release configuration and the Debian package, and prints the package's path.
#
#   deploy/package.sh [BUILD_DIR [CMAKE_ARGS...]]
#
# BUILD_DIR defaults to build/ (the `release` preset's directory). CMAKE_ARGS go to the
# configure step, e.g. `deploy/package.sh build-pkg -DMG_BUILD_TESTS=OFF` for a build
# directory that skips the tests. The path of the .deb is the only line on stdout; build
# output goes to stderr, so `deb=$(deploy/package.sh)` works.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
[ $# -gt 0 ] && shift

./deploy/install-deps.sh >&2

if [ -f "$build/CMakeCache.txt" ] && grep -q '^MG_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt"; then
  echo "package.sh: $build is a sanitizer build; use a release build directory" >&2
  exit 2
fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >&2
# Everything cpack would otherwise build one job at a time (its preinstall step builds all).
cmake --build "$build" -j"$(nproc)" >&2

# cpack installs into a staging tree, strips, runs dpkg-shlibdeps and writes the .deb.
log=$(cd "$build" && cpack -G DEB 2>&1) || { echo "$log" >&2; exit 1; }
echo "$log" >&2
deb=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' <<<"$log" | tail -n 1)
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "package.sh: cpack did not report a .deb" >&2
  exit 1
fi
echo "$deb"
