#!/usr/bin/env bash
# Profiles the gateway's hot path under mosaic-sim's flood and prints the top functions.
#
#   tests/bench/profile.sh [QOS] [MESSAGES] [RATE]
#
# PROFILER=callgrind (default; QOS MESSAGES RATE default to 1 5000 500): instruction counts,
# which a virtual machine without hardware counters still gives, top functions by inclusive and
# by self cost. Instrumentation is switched on only while the flood runs, so start-up and
# shutdown stay out. Under callgrind the gateway runs ~50 times slower, so keep the rate low.
# Writes build/callgrind.out.gateway.
#
# PROFILER=perf (defaults 1 50000 50000): cpu-clock sampling at full speed, which also sees the
# kernel (system calls, wake-ups) that callgrind cannot; CPU split by thread and library, then
# the top symbols. Writes build/perf.data.gateway.
#
# Uses the release preset's binaries (RelWithDebInfo: optimised, with symbols); run
# tests/bench/run.sh or build the preset first. The report goes to build/bench-profile.txt.
# Everything listens on 127.0.0.1; every process started here is stopped on exit.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$repo/build/bin
profiler=${PROFILER:-callgrind}
case $profiler in
callgrind)
    qos=${1:-1} messages=${2:-5000} rate=${3:-500}
    out=$repo/build/callgrind.out.gateway
    tool=valgrind
    ;;
perf)
    qos=${1:-1} messages=${2:-50000} rate=${3:-50000}
    out=$repo/build/perf.data.gateway
    tool=perf
    ;;
*)
    echo "profile.sh: PROFILER must be callgrind or perf" >&2
    exit 2
    ;;
esac
report=$repo/build/bench-profile.txt

command -v "$tool" >/dev/null || {
    echo "profile.sh: $tool is not installed (apt-get install $tool, or linux-perf for perf)" >&2
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
    --count "$messages" --idle 10 --timeout $((messages * 20 / rate + 120))
sub_pid=$started
wait_line "$work/sub.out" '^ready' 10

if [[ $profiler == callgrind ]]; then
    start gateway valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
        "$bin/mosaic-gateway" -c "$work/site.yaml"
    gw_pid=$started
    wait_line "$work/gateway.err" 'mqtt: connected' 60
    callgrind_control -i on "$gw_pid" >/dev/null 2>&1
else
    start gateway "$bin/mosaic-gateway" -c "$work/site.yaml"
    gw_pid=$started
    wait_line "$work/gateway.err" 'mqtt: connected' 10
    start perf perf record -q -e cpu-clock -F 1999 -p "$gw_pid" -o "$out"
    perf_pid=$started
    sleep 0.5
fi

start sim "$bin/mosaic-sim" --port "$sim_port" --flood-rate "$rate" --flood-count "$messages"
sim_pid=$started
wait "$sub_pid" || true
unset "running[$sub_pid]"
if [[ $profiler == callgrind ]]; then
    callgrind_control -i off "$gw_pid" >/dev/null 2>&1
else
    # perf writes its data when interrupted.
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    unset "running[$perf_pid]"
fi
finish "$sim_pid"
finish "$gw_pid"

# head closes its pipe early; that is no failure.
set +o pipefail
# Only the function lists, which start after the second "Ir" header (callgrind) or are the
# lines with a percentage (perf).
top() { callgrind_annotate "$@" "$out" 2>/dev/null | awk '/^Ir/ {n++} n >= 2' | sed -n '2,61p'; }
perf_top() { perf report -i "$out" --stdio "$@" 2>/dev/null | grep '%' | head -40; }
{
    echo "$profiler, QoS $qos, $messages messages at $rate/s: $(sed -n 2p "$work/sub.out")"
    if [[ $profiler == callgrind ]]; then
        echo "total: $(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1; exit}') instructions"
        echo
        echo "== inclusive"
        top --inclusive=yes
        echo
        echo "== self"
        top
    else
        echo
        echo "== by thread"
        perf_top --sort comm
        echo
        echo "== by thread and library"
        perf_top --sort comm,dso
        echo
        echo "== by symbol"
        perf_top --sort dso,sym
    fi
} >"$report"
cat "$report"
echo "profile.sh: written to $report and $out" >&2
