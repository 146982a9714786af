#!/usr/bin/env bash
# Installs the Debian 12 packages mosaic-gateway needs, by purpose:
#
#   deploy/install-deps.sh            what building needs: compiler, cmake, libraries (default)
#   deploy/install-deps.sh package    that, and what deploy/check-package.sh runs (lintian,
#                                     systemd-analyze)
#   deploy/install-deps.sh test       everything deploy/test.sh, the fuzz targets, the benchmarks
#                                     and the demo need: that, and mosquitto, clang-15 with
#                                     libFuzzer, openssl, promtool, ...
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
test=(
  mosquitto mosquitto-clients openssl curl procps
  clang-15 libfuzzer-15-dev
  python3-jinja2 python3-yaml prometheus chromium
)

case $purpose in
build) wanted=("${build[@]}") ;;
package) wanted=("${build[@]}" "${package[@]}") ;;
test) wanted=("${build[@]}" "${package[@]}" "${test[@]}") ;;
*)
  echo "usage: install-deps.sh [build|package|test]" >&2
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
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
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
