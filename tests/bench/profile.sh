#!/usr/bin/env bash
# Profiles the gateway's hot path under mosaic-sim's flood with callgrind (instruction counts,
# which a virtual machine without hardware counters still gives), and prints the top functions
# by inclusive and by self cost. Collection is switched on only while the flood runs, so start-up
# and shutdown stay out of the figures.
#
#   tests/bench/profile.sh [QOS] [MESSAGES] [RATE]      (defaults: 1 5000 1000)
#
# Uses the release preset's binaries (RelWithDebInfo: optimised, with symbols); run
# tests/bench/run.sh or build the preset first. Writes build/callgrind.out.gateway and
# build/bench-profile.txt. Everything listens on 127.0.0.1; every process started here is
# stopped on exit.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$repo/build/bin
qos=${1:-1}
messages=${2:-5000}
rate=${3:-1000}
out=$repo/build/callgrind.out.gateway
report=$repo/build/bench-profile.txt

command -v valgrind >/dev/null || {
    echo "profile.sh: valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
}
for program in mosaic-gateway mosaic-sim mqtt-bench-subscriber; do
    [[ -x $bin/$program ]] || {
        echo "profile.sh: $bin/$program is missing; build the release preset" >&2
        exit 1
    }
done

work=$(mktemp -d /tmp/mosaic-profile.XXXXXX)
declare -A running=()
cleanup() {
    local pid
    for pid in "${!running[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${!running[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() {
    local name=$1
    shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    started=$!
    running[$started]=1
}
finish() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    unset "running[$1]"
}
wait_line() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "profile.sh: timed out waiting for '$2' in $1" >&2
    exit 1
}
free_port() {
    local port
    for port in $(shuf -i 20000-32000 -n 200); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    exit 1
}

broker_port=$(free_port)
sim_port=$(free_port)
{
    echo "listener $broker_port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence false"
    [[ $(id -u) == 0 ]] && echo "user root"
    echo "set_tcp_nodelay true"
    echo "max_inflight_messages 1000"
    echo "max_queued_messages 1000000"
} >"$work/mosquitto.conf"
start mosquitto "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$work/mosquitto.conf"
sleep 0.5

cat >"$work/site.yaml" <<EOF
site: profile
mqtt:
  url: mqtt://127.0.0.1:$broker_port
  qos: $qos
controllers:
  - name: c0
    url: ws://127.0.0.1:$sim_port/query
    reconnect: { min: 100ms, max: 200ms }
    subscribe: [group, timeline]
    poll: []
logging:
  level: info
EOF

start sub "$bin/mqtt-bench-subscriber" --uri "tcp://127.0.0.1:$broker_port" --qos "$qos" \
    --topic "mosaic/profile/+/group/+" --topic "mosaic/profile/+/timeline/+" \
    --count "$messages" --idle 10 --timeout $((messages / rate * 20 + 120))
sub_pid=$started
wait_line "$work/sub.out" '^ready' 10

start gateway valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
    "$bin/mosaic-gateway" -c "$work/site.yaml"
gw_pid=$started
wait_line "$work/gateway.err" 'mqtt: connected' 60
callgrind_control -i on "$gw_pid" >/dev/null

start sim "$bin/mosaic-sim" --port "$sim_port" --flood-rate "$rate" --flood-count "$messages"
sim_pid=$started
wait "$sub_pid" || true
unset "running[$sub_pid]"
callgrind_control -i off "$gw_pid" >/dev/null
finish "$sim_pid"
finish "$gw_pid"

{
    echo "callgrind, QoS $qos, $messages messages at $rate/s: $(sed -n 2p "$work/sub.out")"
    echo
    echo "== inclusive"
    callgrind_annotate --inclusive=yes "$out" 2>/dev/null | sed -n '/^Ir/,$p' | head -60
    echo
    echo "== self"
    callgrind_annotate "$out" 2>/dev/null | sed -n '/^Ir/,$p' | head -60
} >"$report"
cat "$report"
echo "profile.sh: written to $report and $out" >&2
