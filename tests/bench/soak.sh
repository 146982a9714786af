#!/usr/bin/env bash
# Soak test of mosaic-gateway against a real mosquitto and mosaic-sim (see BENCHMARKS.md):
#
#   tests/bench/soak.sh [--minutes N]      # default 10
#
# Two simulated controllers with security on; for the whole run the script
#   - changes their projects (the control API's random change, --rate per controller per second),
#   - publishes `/get` messages for system, timeline (with and without parameters) and scene,
#   - drops one controller's WebSocket (fault `drop`) every minute at :20,
#   - expires the other's session tokens (fault `expire`) every minute at :40,
#   - stops the broker for 5 s once, halfway through,
# and samples the gateway's RSS every 5 s. At the end the changes stop and every retained
# C/timeline/<num>, C/scene/<num> and C/group/<num> a new subscriber receives must equal the
# simulator's own state (its GET /api/timeline, /api/scene and /api/group), topic for topic.
#
# Fails when the gateway's RSS at the end is more than 10 % above its RSS after the first
# minute, when a retained topic differs from the simulator (or one is missing or extra), or
# when the gateway exits. Writes a report to build/soak-results.md.
#
# Options: --minutes N, --rate CHANGES (per controller per second, default 5).
# Environment: BENCH_SKIP_BUILD=1 uses the release preset's binaries as they are (with
# BENCH_BUILD_DIR=DIR: those of another build directory);
# BENCH_KEEP=1 keeps the work directory with every log.
# Not part of deploy/test.sh: it takes ten minutes and a good part of one core.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${BENCH_BUILD_DIR:-$repo/build}/bin
results=$repo/build/soak-results.md

minutes=10
rate=5
while [[ $# -gt 0 ]]; do
    case $1 in
    --minutes)
        minutes=${2:?--minutes needs a number}
        shift 2
        ;;
    --rate)
        rate=${2:?--rate needs a number}
        shift 2
        ;;
    *)
        echo "usage: soak.sh [--minutes N] [--rate CHANGES]" >&2
        exit 2
        ;;
    esac
done
[[ $minutes =~ ^[1-9][0-9]*$ && $rate =~ ^[1-9][0-9]*$ ]] || {
    echo "soak.sh: --minutes and --rate take positive whole numbers" >&2
    exit 2
}
duration=$((minutes * 60))
controllers=2
site=soak
user=soak
password=soak-secret-$RANDOM

script=soak
# shellcheck source=tests/bench/common.sh
source "$repo/tests/bench/common.sh"

command -v curl >/dev/null || die "curl is not installed (deploy/install-deps.sh test)"
command -v mosquitto_pub >/dev/null || die "mosquitto-clients is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

build_release mosaic-gateway mosaic-sim

status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------------------------------------
# Broker, simulator, gateway

start_broker
log "mosquitto on $broker_uri"

restart_broker() {
    stop "$broker_pid"
    sleep 5 # the outage itself
    start mosquitto "$mosquitto_bin" -c "$work/mosquitto.conf"
    broker_pid=$started
    local i
    for ((i = 0; i < 50; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null && return 0
        sleep 0.1
    done
    die "mosquitto did not come back on port $broker_port"
}

start_sim --controllers "$controllers" --user "$user:$password" --seed 11
ports=("${sim_ports[@]}")
log "mosaic-sim: controllers on ports ${ports[*]}, control API $control"

printf '%s' "$password" >"$work/controller.pass"
chmod 600 "$work/controller.pass"
{
    echo "site: $site"
    echo "mqtt:"
    echo "  url: mqtt://127.0.0.1:$broker_port"
    echo "controllers:"
    for ((i = 0; i < controllers; i++)); do
        echo "  - name: c$i"
        echo "    url: ws://127.0.0.1:${ports[$i]}/query"
        echo "    username: $user"
        echo "    password_file: $work/controller.pass"
        echo "    keepalive: 2s"
        echo "    reconnect: { min: 200ms, max: 2s }"
    done
    echo "logging:"
    echo "  level: info"
} >"$work/$site.yaml"

start gateway "$bin/mosaic-gateway" -c "$work/$site.yaml"
gw_pid=$started

# WebSockets the simulator holds open for controller $1.
ws_current() {
    curl -sf "$control/stats" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["controllers"][int(sys.argv[1])]["ws_current"])' "$1"
}
wait_all_live() {
    local i c live
    for ((i = 0; i < $1 * 5; i++)); do
        live=0
        for ((c = 0; c < controllers; c++)); do
            [[ $(ws_current "$c") == 1 ]] && live=$((live + 1))
        done
        ((live == controllers)) && return 0
        sleep 0.2
    done
    return 1
}
wait_all_live 30 || die "the gateway did not connect to every controller"
log "gateway (pid $gw_pid) live on $controllers controllers"

# ---------------------------------------------------------------------------------------------
# Load

# Project changes: one curl per second carries $rate random changes per controller.
change_loop() {
    local urls=() c k
    for ((c = 0; c < controllers; c++)); do
        for ((k = 0; k < rate; k++)); do
            urls+=("$control/controllers/$c/tick")
        done
    done
    while true; do
        curl -s -o /dev/null -X POST "${urls[@]}" || true
        sleep 1
    done
}

# On-demand gets: four per controller per second, three kinds of request.
get_loop() {
    local c
    while true; do
        for ((c = 0; c < controllers; c++)); do
            local prefix=mosaic/$site/c$c
            mosquitto_pub -p "$broker_port" -t "$prefix/system/get" -n 2>/dev/null || true
            mosquitto_pub -p "$broker_port" -t "$prefix/timeline/get" -n 2>/dev/null || true
            mosquitto_pub -p "$broker_port" -t "$prefix/timeline/get" -m '{"num":"1-2"}' 2>/dev/null || true
            mosquitto_pub -p "$broker_port" -t "$prefix/scene/get" -m '{}' 2>/dev/null || true
        done
        sleep 1
    done
}

fault() {
    curl -sf -X POST -d "{\"kind\":\"$2\"}" "$control/controllers/$1/fault" >/dev/null ||
        die "fault $2 on controller $1 failed"
}

start changes change_loop
changes_pid=$started
start gets get_loop
gets_pid=$started

# ---------------------------------------------------------------------------------------------
# The run: an RSS sample every 5 s, faults on their schedule

restart_at=$(((duration / 2) / 5 * 5))
declare -a samples events
drops=0 expiries=0
begin=$(date +%s)
for ((t = 0; t <= duration; t += 5)); do
    while (($(date +%s) - begin < t)); do sleep 0.2; done
    alive "$gw_pid" || die "the gateway exited at ${t}s: $(tail -5 "$work/gateway.err")"
    rss=$(status_kb "$gw_pid" VmRSS)
    samples+=("$t $rss")
    ((t % 60 == 0)) && log "${t}s: gateway RSS $rss kB"
    if ((t > 0 && t < duration)); then
        if ((t % 60 == 20)); then
            fault $(((t / 60) % controllers)) drop
            drops=$((drops + 1))
            events+=("${t}s drop c$(((t / 60) % controllers))")
        elif ((t % 60 == 40)); then
            fault $(((t / 60 + 1) % controllers)) expire
            expiries=$((expiries + 1))
            events+=("${t}s expire c$(((t / 60 + 1) % controllers))")
        fi
        if ((t == restart_at)); then
            log "${t}s: broker restart"
            restart_broker
            events+=("${t}s broker restart")
        fi
    fi
done

stop "$changes_pid"
stop "$gets_pid"
log "load stopped; waiting for every controller to be live"
wait_all_live 30 || die "a controller did not come back"

# ---------------------------------------------------------------------------------------------
# Retained state against the simulator's

# The simulator's timelines, scenes and groups, read over its HTTP API.
sim_state() {
    local c token
    echo "{"
    for ((c = 0; c < controllers; c++)); do
        token=$(curl -sf -H 'Content-Type: application/json' \
            -d "{\"username\":\"$user\",\"password\":\"$password\"}" \
            "http://127.0.0.1:${ports[$c]}/authenticate" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
        ((c > 0)) && echo ","
        echo "\"c$c\": {"
        local first=1 kind
        for kind in timeline scene group; do
            ((first)) || echo ","
            first=0
            echo "\"$kind\": $(curl -sf -H "Authorization: Bearer $token" \
                "http://127.0.0.1:${ports[$c]}/api/$kind")"
        done
        echo "}"
    done
    echo "}"
}

# What a new subscriber receives: every retained per-object topic of the three kinds.
retained_topics() {
    mosquitto_sub -p "$broker_port" --retained-only -W 3 -F '%t %p' \
        -t "mosaic/$site/+/timeline/+" -t "mosaic/$site/+/scene/+" -t "mosaic/$site/+/group/+" \
        2>/dev/null || true
}

compare() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
sim = json.load(open(sys.argv[1]))
retained = {}
for line in open(sys.argv[2]):
    topic, _, payload = line.rstrip("\n").partition(" ")
    retained[topic] = payload
lists = {"timeline": "timelines", "scene": "scenes", "group": "groups"}
expected = {}
for controller, kinds in sim.items():
    for kind, reply in kinds.items():
        for obj in reply[lists[kind]]:
            # The All Fixtures group has no number; the gateway publishes it as group/0.
            expected[f"mosaic/soak/{controller}/{kind}/{obj.get('num', 0)}"] = obj
problems = []
for topic, obj in sorted(expected.items()):
    if topic not in retained:
        problems.append(f"missing {topic}")
        continue
    try:
        got = json.loads(retained[topic])
    except ValueError:
        problems.append(f"{topic}: not JSON: {retained[topic]}")
        continue
    for key, value in obj.items():
        if key == "num" and "num" not in got:
            continue
        if got.get(key) != value:
            problems.append(f"{topic}: {key} is {got.get(key)!r}, the simulator has {value!r}")
for topic in sorted(set(retained) - set(expected)):
    problems.append(f"extra {topic}: {retained[topic]}")
print(f"{len(expected)} objects compared, {len(problems)} differences")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF
}

# The last changes may still be on their way: compare until equal, at most 30 s.
equal=0
for ((i = 0; i < 10; i++)); do
    sim_state >"$work/sim-state.json"
    retained_topics >"$work/retained.txt"
    if compare "$work/sim-state.json" "$work/retained.txt" >"$work/compare.txt"; then
        equal=1
        break
    fi
    sleep 3
done
cat "$work/compare.txt" >&2

# ---------------------------------------------------------------------------------------------
# Memory and the report

rss_at() { # the sample at or after second $1
    local s
    for s in "${samples[@]}"; do
        if ((${s%% *} >= $1)); then
            echo "${s#* }"
            return
        fi
    done
}
baseline=$(rss_at 60)
final=$(status_kb "$gw_pid" VmRSS)
peak=$(status_kb "$gw_pid" VmHWM)
growth=$(awk -v a="$baseline" -v b="$final" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
memory_ok=$(awk -v g="$growth" 'BEGIN { print (g <= 10) ? 1 : 0 }')
stats=$(curl -sf "$control/stats")
summary=$(python3 - "$stats" <<'EOF'
import json, sys
for i, c in enumerate(json.loads(sys.argv[1])["controllers"]):
    requests = ", ".join(f"{k} {v}" for k, v in sorted(c.get("requests_by_name", {}).items()))
    print(f"c{i}: {c['ws_total']} WebSockets opened, {c['auth_calls']} authentications, "
          f"{c['messages_in']} messages in; requests: {requests}")
EOF
)
errors=$(cat "$work/gateway.err" "$work/gateway.out" |
    { grep -c -E '^[0-9-]+ [0-9:.]+ (error|critical) ' || true; })

mkdir -p "$(dirname "$results")"
{
    echo "# mosaic-gateway soak results"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ); ${minutes} min; $(nproc) cores;" \
        "commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree as built);" \
        "$controllers controllers with security on, $rate changes per controller per second," \
        "4 /get per controller about every second (counts below)"
    echo
    echo "- faults: $drops drops, $expiries session expiries, 1 broker restart (${restart_at}s, 5 s down)"
    echo "- gateway RSS: $baseline kB after the first minute, $final kB at the end" \
        "(${growth} %), peak $peak kB"
    echo "- retained state: $(head -1 "$work/compare.txt")"
    echo "- gateway log lines at error level: $errors"
    echo
    echo '```'
    echo "$summary"
    echo '```'
    echo
    echo "Gateway RSS over time (seconds into the run, kB):"
    echo
    echo '```'
    printf '%s\n' "${samples[@]}" |
        awk '{ printf "%5ss %7d%s", $1, $2, (NR % 6 ? "  " : "\n") } END { if (NR % 6) print "" }'
    echo '```'
    echo
    echo "Events: $(printf '%s, ' "${events[@]}" | sed 's/, $//')"
} >"$results"
cat "$results"

failed=0
((memory_ok)) || {
    echo "soak.sh: FAIL: RSS grew ${growth} % after the first minute (limit 10 %)" >&2
    failed=1
}
((equal)) || {
    echo "soak.sh: FAIL: retained state differs from the simulator's" >&2
    failed=1
}
((failed == 0)) && log "soak passed; written to $results"
exit "$failed"
