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

script=profile
# shellcheck source=tests/bench/common.sh
source "$repo/tests/bench/common.sh"

command -v "$tool" >/dev/null ||
    die "$tool is not installed (apt-get install $tool, or linux-perf for perf)"
for program in mosaic-gateway mosaic-sim mqtt-bench-subscriber; do
    [[ -x $bin/$program ]] || die "$bin/$program is missing; build the release preset"
done

start_broker
sim_port=$(free_port)
write_flood_site profile "$qos" "$sim_port"

start sub "$bin/mqtt-bench-subscriber" --uri "$broker_uri" --qos "$qos" \
    --topic "mosaic/profile/+/group/+" --topic "mosaic/profile/+/timeline/+" \
    --count "$messages" --idle 10 --timeout $((messages * 20 / rate + 120))
sub_pid=$started
wait_line "$work/sub.out" '^ready' 10 || die "the subscriber did not start"

if [[ $profiler == callgrind ]]; then
    start gateway valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
        "$bin/mosaic-gateway" -c "$work/profile.yaml"
    gw_pid=$started
    wait_line "$work/gateway.err" 'mqtt: connected' 60 || die "the gateway did not connect"
    callgrind_control -i on "$gw_pid" >/dev/null 2>&1
else
    start gateway "$bin/mosaic-gateway" -c "$work/profile.yaml"
    gw_pid=$started
    wait_line "$work/gateway.err" 'mqtt: connected' 10 || die "the gateway did not connect"
    start perf perf record -q -e cpu-clock -F 1999 -p "$gw_pid" -o "$out"
    perf_pid=$started
    sleep 0.5 # perf attaching to the threads
fi

start sim "$bin/mosaic-sim" --port "$sim_port" --flood-rate "$rate" --flood-count "$messages"
sim_pid=$started
reaped "$sub_pid"
if [[ $profiler == callgrind ]]; then
    callgrind_control -i off "$gw_pid" >/dev/null 2>&1
else
    # perf writes its data when interrupted.
    kill -INT "$perf_pid" 2>/dev/null || true
    reaped "$perf_pid"
fi
stop "$sim_pid"
stop "$gw_pid"

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
