#!/usr/bin/env bash
# Installs the Debian 12 packages mosaic-gateway needs, by purpose:
#
#   deploy/install-deps.sh            what building needs: compiler, cmake, libraries (default)
#   deploy/install-deps.sh package    that, and what deploy/check-package.sh runs (lintian,
#                                     systemd-analyze)
#   deploy/install-deps.sh arm64      what `deploy/package.sh --arch arm64` needs: the cross
#                                     compiler, the libraries for arm64 (Debian multiarch) and
#                                     qemu-user-static to run arm64 programs here
#   deploy/install-deps.sh image      what deploy/image.sh needs: podman, runc, mmdebstrap
#   deploy/install-deps.sh test       everything deploy/test.sh, the fuzz targets, the benchmarks
#                                     and the demo need: all of the above, and mosquitto,
#                                     clang-15 with libFuzzer, openssl, promtool, ...
#
# Idempotent: does nothing when every package is already there. Runs as root or through sudo.
# Installing never starts a service: a package that ships one (mosquitto, prometheus) stays
# stopped and disabled, so a build or test machine does not gain a broker on port 1883. The
# tests and the demo start private brokers of their own.
set -euo pipefail

purpose=${1:-build}

build=(
  build-essential cmake pkg-config
  libboost1.81-dev libpaho-mqttpp-dev libpaho-mqtt-dev rapidjson-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev googletest libgtest-dev libgmock-dev libssl-dev libsystemd-dev
)
package=(lintian systemd)
# libyaml-cpp-dev cannot be installed for two architectures at once (it is not Multi-Arch:
# same): only its run-time half is installed for arm64, and deploy/package.sh unpacks the
# arm64 headers and CMake files into its own build directory.
arm64=(
  crossbuild-essential-arm64 qemu-user-static pkgconf:arm64
  libboost1.81-dev:arm64 libpaho-mqttpp-dev:arm64 libpaho-mqtt-dev:arm64 libyaml-cpp0.7:arm64
  libspdlog-dev:arm64 libfmt-dev:arm64 libssl-dev:arm64 libsystemd-dev:arm64
  libgtest-dev:arm64 libgmock-dev:arm64
)
image=(podman runc mmdebstrap)
test=(
  mosquitto mosquitto-clients openssl curl procps
  ccache clang-15 libfuzzer-15-dev
  python3-jinja2 python3-yaml prometheus chromium
)

case $purpose in
build) wanted=("${build[@]}") ;;
package) wanted=("${build[@]}" "${package[@]}") ;;
arm64) wanted=("${build[@]}" "${package[@]}" "${arm64[@]}") ;;
image) wanted=("${build[@]}" "${package[@]}" "${image[@]}") ;;
test) wanted=("${build[@]}" "${package[@]}" "${arm64[@]}" "${image[@]}" "${test[@]}") ;;
*)
  echo "usage: install-deps.sh [build|package|arm64|image|test]" >&2
  exit 2
  ;;
esac

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${wanted[@]}"; do
  installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# While apt runs, a policy-rc.d that refuses every start keeps maintainer scripts from starting
# the services they ship (Debian starts mosquitto at once otherwise). One already there is put
# back afterwards.
policy=/usr/sbin/policy-rc.d
saved=""
if [ -e "$policy" ]; then
  saved=$($sudo mktemp /usr/sbin/policy-rc.d.saved.XXXXXX)
  $sudo cp -p "$policy" "$saved"
fi
restore_policy() {
  if [ -n "$saved" ]; then
    $sudo mv -f "$saved" "$policy"
  else
    $sudo rm -f "$policy"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# mosaic-gateway install-deps.sh: no service starts while it installs\nexit 101\n' |
  $sudo tee "$policy" >/dev/null
$sudo chmod 755 "$policy"

echo "installing: ${missing[*]}"
# Packages named NAME:arm64 come from Debian's arm64 archive next to the machine's own.
if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq -o DPkg::Lock::Timeout=600
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
  "${missing[@]}" >/dev/null

# The packages of these sets that ship a daemon enabled it for the next boot: disable the ones
# installed now, and stop any that started anyway (when systemd runs). A daemon that was there
# before is left as it was.
daemons=(mosquitto prometheus)
for p in "${missing[@]}"; do
  [[ " ${daemons[*]} " == *" $p "* ]] || continue
  for unit in $(dpkg-query -L "$p" | sed -n 's#^/lib/systemd/system/\([^/@]*\.service\)$#\1#p'); do
    if command -v systemctl >/dev/null; then
      $sudo systemctl disable --quiet "$unit" 2>/dev/null || true
    else
      $sudo deb-systemd-helper disable "$unit" || true
    fi
    if [ -d /run/systemd/system ]; then $sudo systemctl stop "$unit" || true; fi
    name=${unit%.service}
    if [ -x "/etc/init.d/$name" ]; then
      $sudo update-rc.d "$name" disable >/dev/null 2>&1 || true
    fi
  done
done
