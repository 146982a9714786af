#!/usr/bin/env bash
# Installs the Debian 12 packages mosaic-gateway needs to build, test and run its demo.
# Idempotent: does nothing when every package is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev libpaho-mqttpp-dev libpaho-mqtt-dev rapidjson-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev googletest libgtest-dev libgmock-dev libssl-dev libsystemd-dev
  mosquitto mosquitto-clients openssl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
