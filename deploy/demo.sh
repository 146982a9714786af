#!/usr/bin/env bash
# The demo: installs what is missing, builds, then runs a private mosquitto, mosaic-sim with two
# controllers whose projects change every second, and mosaic-gateway on config/demo.yaml, and
# prints the MQTT traffic until Ctrl-C. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh test
cmake --preset release >/dev/null
cmake --build --preset release --target mosaic-gateway mosaic-sim -j"$(nproc)"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

cat >"$work/mosquitto.conf" <<CONF
listener 18830 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
user $(id -un)
CONF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)

build/bin/mosaic-sim --port 18080 --controllers 2 --tick 1s --seed 7 >"$work/sim.out" 2>"$work/sim.log" &
pids+=($!)

for _ in $(seq 50); do
  grep -q '"ready"' "$work/sim.out" 2>/dev/null && break
  sleep 0.1
done

build/bin/mosaic-gateway -c config/demo.yaml 2>&1 | sed 's/^/[gateway] /' &
pids+=($!)

cat <<'HELP'
Control a simulated controller from another terminal while this runs, for example:
  mosquitto_pub -h 127.0.0.1 -p 18830 -t mosaic/demo/lobby/group/1/set -m 40
  mosquitto_pub -h 127.0.0.1 -p 18830 -t mosaic/demo/lobby/timeline/1/set -m start
The new state shows up below on mosaic/demo/lobby/group/1 and mosaic/demo/lobby/timeline/1;
a refused command on mosaic/demo/lobby/error. README.md lists every command.

HELP
echo "MQTT traffic on 127.0.0.1:18830 (Ctrl-C to stop):"
mosquitto_sub -h 127.0.0.1 -p 18830 -t 'mosaic/#' -v
