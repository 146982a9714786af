#!/usr/bin/env bash
# Builds the release configuration and the Debian package, and prints the package's path.
#
#   deploy/package.sh [--arch amd64|arm64] [BUILD_DIR [CMAKE_ARGS...]]
#
# --arch amd64 (the default) builds for this machine. BUILD_DIR defaults to build/ (the
# `release` preset's directory). CMAKE_ARGS go to the configure step, e.g.
# `deploy/package.sh build-pkg -DMG_BUILD_TESTS=OFF` for a build directory that skips the tests.
#
# --arch arm64 cross-builds for 64-bit ARM (Raspberry Pi 4/5 with a 64-bit OS, ARM servers)
# with Debian's cross compiler and arm64 libraries (deploy/install-deps.sh arm64), through
# cmake/toolchain-arm64.cmake. BUILD_DIR defaults to build-arm64/, and only the two programs
# are built; deploy/test-arm64.sh builds and runs the unit tests there too, under qemu.
#
# The path of the .deb is the only line on stdout; build output goes to stderr, so
# `deb=$(deploy/package.sh)` works.
set -euo pipefail
cd "$(dirname "$0")/.."

arch=amd64
if [ "${1:-}" = --arch ]; then
  arch=${2:?"usage: package.sh [--arch amd64|arm64] [BUILD_DIR [CMAKE_ARGS...]]"}
  shift 2
elif [[ ${1:-} == --arch=* ]]; then
  arch=${1#--arch=}
  shift
fi
case $arch in
amd64) default_build=build ;;
arm64) default_build=build-arm64 ;;
*)
  echo "package.sh: unknown architecture $arch (amd64 or arm64)" >&2
  exit 2
  ;;
esac
if [ "$arch" = amd64 ] && [ "$(dpkg --print-architecture)" != amd64 ]; then
  echo "package.sh: --arch amd64 builds natively, on an amd64 machine only" >&2
  exit 2
fi

build=${1:-$default_build}
[ $# -gt 0 ] && shift

if [ "$arch" = arm64 ]; then
  ./deploy/install-deps.sh arm64 >&2
else
  ./deploy/install-deps.sh >&2
fi

if [ -f "$build/CMakeCache.txt" ] && grep -q '^MG_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt"; then
  echo "package.sh: $build is a sanitizer build; use a release build directory" >&2
  exit 2
fi

if [ "$arch" = arm64 ]; then
  # libyaml-cpp-dev is not co-installable for two architectures, so its arm64 headers and
  # CMake files are unpacked here (same version as the installed arm64 library), and link
  # against the installed /usr/lib/aarch64-linux-gnu/libyaml-cpp.so.0.7.
  mkdir -p "$build"
  cross=$(realpath "$build")/cross-arm64
  yaml_version=$(dpkg-query -W -f='${Version}' libyaml-cpp0.7:arm64)
  stamp="$cross/libyaml-cpp-dev_$yaml_version"
  if [ ! -e "$stamp" ]; then
    rm -rf "$cross"
    mkdir -p "$cross/debs" "$cross/root"
    (cd "$cross/debs" && apt-get download "libyaml-cpp-dev:arm64=$yaml_version") >&2
    dpkg-deb -x "$cross"/debs/libyaml-cpp-dev_*_arm64.deb "$cross/root"
    for lib in /usr/lib/aarch64-linux-gnu/libyaml-cpp.so.0.7*; do
      ln -sf "$lib" "$cross/root/usr/lib/aarch64-linux-gnu/"
    done
    touch "$stamp"
  fi
  # `install` needs only the two programs, not everything `all` builds (tests, benchmarks).
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-arm64.cmake" \
    -Dyaml-cpp_DIR="$cross/root/usr/lib/aarch64-linux-gnu/cmake/yaml-cpp" \
    -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON "$@" >&2
  cmake --build "$build" -j"$(nproc)" --target mosaic-gateway mosaic-sim >&2
else
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >&2
  # Everything cpack would otherwise build one job at a time (its preinstall step builds all).
  cmake --build "$build" -j"$(nproc)" >&2
fi

# cpack installs into a staging tree, strips, runs dpkg-shlibdeps and writes the .deb.
# For arm64, DEB_HOST_ARCH makes dpkg-shlibdeps look in the arm64 library directories and
# use the arm64 objdump.
host_env=()
[ "$arch" = arm64 ] && host_env=(env DEB_HOST_ARCH=arm64)
log=$(cd "$build" && "${host_env[@]}" cpack -G DEB 2>&1) || { echo "$log" >&2; exit 1; }
echo "$log" >&2
deb=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' <<<"$log" | tail -n 1)
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "package.sh: cpack did not report a .deb" >&2
  exit 1
fi
echo "$deb"
