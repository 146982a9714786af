#!/usr/bin/env bash
# Bounded inbound work: a flood of `/get` messages for one controller (see BENCHMARKS.md).
#
#   tests/bench/get_flood.sh [COUNT]        # default 100000
#
# Starts a private mosquitto, mosaic-sim with one controller and the gateway, then publishes
# COUNT messages `{}` to C/system/get as fast as mosquitto_pub can (QoS 1, one connection),
# and waits until the gateway has worked through them. Reports the gateway's RSS before, at
# its peak and after; how many `system` requests reached the simulator over the WebSocket
# (its counters); how many replies reached C/system and how many C/error messages (and of
# which kind) the gateway published. The gateway must still answer a /get afterwards (on an
# MQTT 5 response topic).
# Writes the report to build/get-flood-results.md.
#
# Environment: BENCH_SKIP_BUILD=1 uses the release preset's binaries as they are (with
# BENCH_BUILD_DIR=DIR: those of another build directory);
# BENCH_KEEP=1 keeps the work directory with every log.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${BENCH_BUILD_DIR:-$repo/build}/bin
results=$repo/build/get-flood-results.md
count=${1:-100000}
[[ $count =~ ^[1-9][0-9]*$ ]] || {
    echo "usage: get_flood.sh [COUNT]" >&2
    exit 2
}
site=flood

script=get_flood
# shellcheck source=tests/bench/common.sh
source "$repo/tests/bench/common.sh"

for tool in curl mosquitto_pub mosquitto_sub python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (deploy/install-deps.sh test)"
done

build_release mosaic-gateway mosaic-sim

status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

start_broker
log "mosquitto on $broker_uri"

start_sim --seed 3
sim_port=${sim_ports[0]}

# No polls and one channel: what reaches the simulator during the flood is the flood's.
cat >"$work/$site.yaml" <<EOF
site: $site
mqtt:
  url: mqtt://127.0.0.1:$broker_port
controllers:
  - name: c0
    url: ws://127.0.0.1:$sim_port/query
    reconnect: { min: 100ms, max: 200ms }
    subscribe: [timeline]
    poll: []
logging:
  level: info
EOF
start gateway "$bin/mosaic-gateway" -c "$work/$site.yaml"
gw_pid=$started

# A counter of controller 0 from the simulator's /stats: a top-level one, or requests_by_name.
sim_counter() {
    curl -sf "$control/stats" | python3 -c '
import json, sys
c = json.load(sys.stdin)["controllers"][0]
name = sys.argv[1]
print(c["requests_by_name"].get(name[9:], 0) if name.startswith("requests.") else c[name])' "$1"
}
for ((i = 0; i < 100; i++)); do
    [[ $(sim_counter ws_current) == 1 ]] && break
    sleep 0.1
done
[[ $(sim_counter ws_current) == 1 ]] || die "the gateway did not connect to the simulator"

prefix=mosaic/$site/c0
start sub mosquitto_sub -p "$broker_port" -q 1 -F '%t %p' -t "$prefix/system" -t "$prefix/error"
sub_pid=$started
sleep 1 # the subscription in place; the flood's replies must not be missed
curl -sf -X POST "$control/reset-stats" >/dev/null
rss_before=$(status_kb "$gw_pid" VmRSS)
log "gateway RSS before: $rss_before kB; publishing $count messages to $prefix/system/get"

t0=$(date +%s.%N)
# At most 50,000 per mosquitto_pub: one run of `mosquitto_pub -l` at QoS 1 loses every message
# past the first 65,535 it holds at once (libmosquitto's 16-bit message ids wrap; BENCHMARKS.md).
left=$count
while ((left > 0)); do
    n=$((left < 50000 ? left : 50000))
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) print "{}" }' |
        mosquitto_pub -p "$broker_port" -q 1 -l -t "$prefix/system/get"
    left=$((left - n))
done
t1=$(date +%s.%N)
publish_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
log "published in ${publish_s}s; waiting for the gateway to work through them"

# Done when neither the simulator's request count nor what the subscriber received moved for
# 3 s (at most 300 s). The gateway's RSS is sampled meanwhile.
rss_max=0
last="" changed_at=$t1
while true; do
    rss=$(status_kb "$gw_pid" VmRSS)
    ((rss > rss_max)) && rss_max=$rss
    now="$(sim_counter requests.system) $(wc -l <"$work/sub.out")"
    t=$(date +%s.%N)
    if [[ $now != "$last" ]]; then
        last=$now changed_at=$t
    elif awk -v a="$changed_at" -v b="$t" 'BEGIN { exit !(b - a >= 3) }'; then
        break
    fi
    awk -v a="$t1" -v b="$t" 'BEGIN { exit !(b - a < 300) }' || break
    sleep 0.2
done
drain_s=$(awk -v a="$t1" -v b="$changed_at" 'BEGIN { printf "%.1f", b - a }')
alive "$gw_pid" || die "the gateway exited during the flood: $(tail -5 "$work/gateway.err")"

rss_after=$(status_kb "$gw_pid" VmRSS)
hwm=$(status_kb "$gw_pid" VmHWM)
requests=$(sim_counter requests.system)
messages_in=$(sim_counter messages_in)
replies=$(grep -c "^$prefix/system " "$work/sub.out" || true)
errors=$({ grep "^$prefix/error " "$work/sub.out" || true; } | sed -n 's/.*"error":"\([^"]*\)".*/\1/p' |
    sort | uniq -c | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')
busy=$({ grep -c "^$prefix/error .*\"error\":\"busy\"" "$work/sub.out" || true; })
# Every get is accounted for: sent to the controller, or refused with one C/error `busy`.
accounted=$((requests + busy))
[[ -n $errors ]] || errors="none"

# Still serving: one more get, with an MQTT 5 response topic, is answered there.
start answer mosquitto_sub -V 5 -p "$broker_port" -q 1 -t "flood/answer" -C 1 -W 10
answer_pid=$started
sleep 0.5 # the subscription in place
mosquitto_pub -V 5 -p "$broker_port" -q 1 -t "$prefix/system/get" -n \
    -D publish response-topic flood/answer
answered=no
wait_exit "$answer_pid" 11 && [[ -s $work/answer.out ]] && answered=yes
stop "$sub_pid"

mkdir -p "$(dirname "$results")"
{
    echo "# mosaic-gateway /get flood"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) cores;" \
        "commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree as built)"
    echo
    echo "| /get published | publish s | worked through after s | system requests at the simulator | WebSocket messages in at the simulator | C/system replies | C/error | requests + busy | gateway RSS before MB | during (max sampled) MB | after MB | peak (VmHWM) MB | a later /get answered |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
    echo "| $count | $publish_s | $drain_s | $requests | $messages_in | $replies | $errors | $accounted | $(mb "$rss_before") | $(mb "$rss_max") | $(mb "$rss_after") | $(mb "$hwm") | $answered |"
} >"$results"
cat "$results"
log "written to $results"
[[ $answered == yes ]] || die "the gateway no longer answers a /get after the flood"
((accounted == count)) || die "$count gets published, but $accounted sent or refused busy"
