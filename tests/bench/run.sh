#!/usr/bin/env bash
# Benchmarks of mosaic-gateway, in one command (see BENCHMARKS.md for the method):
#
#   tests/bench/run.sh
#
# Builds the release preset, starts a private mosquitto on a free loopback port and measures
#   a. throughput: mosaic-sim's flood -> gateway -> broker -> mqtt-bench-subscriber, at QoS 0
#      and 1, with the CPU per message of the gateway and of mosquitto and the gateway's peak RSS;
#   b. latency at fixed moderate rates (p50/p99/max);
#   c. the ceiling: mqtt-bench-publisher straight to the same broker, same topics and payloads;
#   d. scale and idle: one gateway with many simulated controllers, time until all are online,
#      RSS and CPU over an idle window;
#   e. a fleet of sites: many gateway processes of a few controllers each against the one
#      broker, total CPU, memory and end-to-end latency under a steady flood from every
#      controller, then an idle window.
# a, b and c run BENCH_REPEAT times, interleaved; the tables show the median run.
# Prints a results table and writes it to build/bench-results.md, and the flood, latency and
# ceiling rows to build/bench-results.json (the form tests/bench/plot.py draws BENCHMARKS.md's
# figures from; tests/bench/results/ keeps the run BENCHMARKS.md shows). Everything listens on
# 127.0.0.1; every process started here is stopped on exit.
#
# Knobs (environment):
#   BENCH_RATES            throughput flood rates (default "20000 50000 200000": one the path
#                          carries without coalescing, a heavy sustained flood, and one beyond
#                          what the gateway absorbs, to find its limit)
#   BENCH_COUNT            messages per throughput and ceiling run (50000)
#   BENCH_QOS              MQTT QoS levels of the gateway and the ceiling ("0 1")
#   BENCH_LATENCY_RATES    fixed flood rates of the latency runs ("1000 5000")
#   BENCH_LATENCY_SECONDS  length of a latency run (5)
#   BENCH_REPEAT           runs of each flood and ceiling measurement; the median is shown (3)
#   BENCH_SCALE            controller counts of the scale runs ("200 1000")
#   BENCH_IDLE_SECONDS     idle window of the scale runs (15)
#   BENCH_FLEET_GATEWAYS   gateway processes of the fleet run (50)
#   BENCH_FLEET_CONTROLLERS  controllers per gateway (20)
#   BENCH_FLEET_RATE       changes per second from each controller (2)
#   BENCH_FLEET_SECONDS    length of each controller's flood (60; start-up must end well within)
#   BENCH_FLEET_STAGES     1: also capture the loopback traffic of the fleet run (root only) and
#                          print where its messages waited, hop by hop (wire_stages.py)
#   BENCH_PARTS            which parts to run, of "flood scale fleet" (all three)
#   BENCH_SKIP_BUILD       1: use the binaries as they are
#   BENCH_BIN              where the binaries are (build/bin)
#   BENCH_KEEP             1: keep the work directory with every log and site file

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${BENCH_BIN:-$repo/build/bin}
results=$repo/build/bench-results.md
results_json=$repo/build/bench-results.json

rates=${BENCH_RATES:-"20000 50000 200000"}
count=${BENCH_COUNT:-50000}
qos_list=${BENCH_QOS:-"0 1"}
latency_rates=${BENCH_LATENCY_RATES:-"1000 5000"}
latency_seconds=${BENCH_LATENCY_SECONDS:-5}
scale_list=${BENCH_SCALE:-"200 1000"}
repeat=${BENCH_REPEAT:-3}
idle_seconds=${BENCH_IDLE_SECONDS:-15}
fleet_gateways=${BENCH_FLEET_GATEWAYS:-50}
fleet_controllers=${BENCH_FLEET_CONTROLLERS:-20}
fleet_rate=${BENCH_FLEET_RATE:-2}
fleet_seconds=${BENCH_FLEET_SECONDS:-60}
parts=" ${BENCH_PARTS:-flood scale fleet} "
part() { [[ $parts == *" $1 "* ]]; }

script=run
# shellcheck source=tests/bench/common.sh
source "$repo/tests/bench/common.sh"

# utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15; the text after
# the command name's closing parenthesis starts at field 3).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# A /proc/<pid>/status field in kB (VmRSS, VmHWM).
status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

# The value of key=value in a one-line result file.
field() { tr ' ' '\n' <"$1" | awk -F= -v key="$2" '$1 == key {print $2}'; }

# Floating point arithmetic for the table.
calc() { awk "BEGIN {printf \"$1\", ($2)}"; }

# Messages left out of the measured window at the start of a run: 0.2 s of the flood or 2% of
# the run, whichever is fewer. The first frames meet a fresh connection and cold caches, a
# start-up cost, not a sustained one; the tables show it in the "all" columns.
warmup_of() { echo $(($1 / 5 < $2 / 50 ? $1 / 5 : $2 / 50)); }

hz=$(getconf CLK_TCK)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# Build, limits, broker

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    log "building the release preset"
    (cd "$repo" && cmake --preset release >/dev/null &&
        cmake --build --preset release -j"$(nproc)" --target mosaic-gateway mosaic-sim \
            mqtt-bench-subscriber mqtt-bench-publisher >"$work/build.log" 2>&1) ||
        {
            tail -30 "$work/build.log" >&2
            die "build failed"
        }
fi
needed="mosaic-gateway mosaic-sim mqtt-bench-subscriber"
part flood && needed+=" mqtt-bench-publisher"
for program in $needed; do
    [[ -x $bin/$program ]] || die "$bin/$program is missing"
done

# 1,000 controllers need 1,000 sockets in the simulator and as many in the gateway.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit=$(ulimit -n)
log "open file limit: $fd_limit"

start_broker
log "mosquitto on $broker_uri (pid $broker_pid)"

declare -a rows_throughput rows_latency rows_ceiling rows_scale
declare -A delivered_rate

# ---------------------------------------------------------------------------------------------
# a/b. The flood through the gateway

# One flood run: label, QoS, rate, message count. Sets $flood_row with the figures.
flood_run() {
    local label=$1 qos=$2 flood_rate=$3 messages=$4
    local site=bench-$label sim_port
    sim_port=$(free_port)
    # The controller's port is closed until the gateway's broker connection is up: the flood
    # starts when the gateway subscribes, and state changed before the broker is reachable
    # would be coalesced rather than measured.
    write_flood_site "$site" "$qos" "$sim_port"
    local budget=$((messages / flood_rate + 60)) warmup
    warmup=$(warmup_of "$flood_rate" "$messages")
    start "$site-sub" "$bin/mqtt-bench-subscriber" --uri "$broker_uri" --qos "$qos" \
        --topic "mosaic/$site/+/group/+" --topic "mosaic/$site/+/timeline/+" \
        --count "$messages" --warmup "$warmup" --idle 5 --timeout "$budget"
    local sub_pid=$started
    wait_line "$work/$site-sub.out" '^ready' 10 || die "$label: subscriber did not start"

    start "$site-gw" "$bin/mosaic-gateway" -c "$work/$site.yaml"
    local gw_pid=$started
    wait_line "$work/$site-gw.err" 'mqtt: connected' 10 ||
        wait_line "$work/$site-gw.out" 'mqtt: connected' 1 || die "$label: gateway did not connect"

    local gw_before broker_before
    gw_before=$(cpu_ticks "$gw_pid")
    broker_before=$(cpu_ticks "$broker_pid")
    start "$site-sim" "$bin/mosaic-sim" --port "$sim_port" --flood-rate "$flood_rate" \
        --flood-count "$messages"
    local sim_pid=$started

    wait_exit "$sub_pid" "$budget" || die "$label: subscriber did not finish"
    local gw_after broker_after hwm
    gw_after=$(cpu_ticks "$gw_pid")
    broker_after=$(cpu_ticks "$broker_pid")
    hwm=$(status_kb "$gw_pid" VmHWM)
    stop "$sim_pid"
    stop "$gw_pid"

    local out=$work/$site-sub.out
    sed -n '2p' "$out" >"$out.result"
    local received window rate_seen p50 p99 max all_p99 all_max
    received=$(field "$out.result" received)
    window=$(field "$out.result" all_window_s)
    rate_seen=$(field "$out.result" rate)
    p50=$(calc '%.2f' "$(field "$out.result" p50_ms)")
    p99=$(calc '%.2f' "$(field "$out.result" p99_ms)")
    max=$(calc '%.1f' "$(field "$out.result" max_ms)")
    all_p99=$(calc '%.2f' "$(field "$out.result" all_p99_ms)")
    all_max=$(calc '%.1f' "$(field "$out.result" all_max_ms)")
    [[ -n $received && $received -gt 0 ]] || die "$label: nothing arrived"
    local gw_us broker_us input_rate
    gw_us=$(calc '%.1f' "($gw_after - $gw_before) * 1e6 / $hz / $messages")
    broker_us=$(calc '%.1f' "($broker_after - $broker_before) * 1e6 / $hz / $received")
    # Retained state changed faster than the broker confirms is coalesced per topic; the last
    # arrival still carries the final state, so the whole flood was absorbed between the first
    # and the last arrival.
    input_rate=$(calc '%.0f' "$window > 0 ? ($messages - 1) / $window : 0")
    flood_row="$qos|$flood_rate|$messages|$received|$rate_seen|$input_rate|$gw_us|$broker_us"
    flood_row+="|$(calc '%.1f' "$hwm / 1024")|$p50|$p99|$max|$all_p99|$all_max"
    log "$label: $(cat "$out.result")"
}

# ---------------------------------------------------------------------------------------------
# c. The ceiling: a plain publisher to the same broker

# One ceiling run at a QoS. Sets $ceiling_row: QoS, msgs, delivered, publisher msgs/s,
# subscriber msgs/s, publisher CPU µs/msg, mosquitto CPU µs/msg.
ceiling_run() {
    local qos=$1 label=$2
    local prefix=mosaic/$label/c0
    start "$label-sub" "$bin/mqtt-bench-subscriber" --uri "$broker_uri" --qos "$qos" \
        --topic "$prefix/#" --count "$count" --warmup "$(warmup_of 1000000 "$count")" --idle 5 \
        --timeout 120
    local sub_pid=$started
    wait_line "$work/$label-sub.out" '^ready' 10 || die "$label: subscriber did not start"
    local broker_before broker_after
    broker_before=$(cpu_ticks "$broker_pid")
    start "$label-pub" "$bin/mqtt-bench-publisher" --uri "$broker_uri" --qos "$qos" \
        --prefix "$prefix" --count "$count"
    local pub_pid=$started
    wait_exit "$sub_pid" 120 || die "$label: subscriber did not finish"
    wait_exit "$pub_pid" 10 || stop "$pub_pid"
    broker_after=$(cpu_ticks "$broker_pid")
    local out=$work/$label-sub.out pub=$work/$label-pub.out
    sed -n '2p' "$out" >"$out.result"
    local received
    received=$(field "$out.result" received)
    ceiling_row="$qos|$count|$received|$(field "$pub" rate)|$(field "$out.result" rate)"
    ceiling_row+="|$(calc '%.1f' "$(field "$pub" cpu_us_per_msg)")"
    ceiling_row+="|$(calc '%.1f' "($broker_after - $broker_before) * 1e6 / $hz / $received")"
    log "$label: $(cat "$out.result") publisher: $(cat "$pub")"
}

# The row with the median of column $1 among the rows on stdin (one per line) goes to
# $median; the column's smallest and largest values to $range.
median_row() {
    local sorted n
    sorted=$(sort -t'|' -k"$1,$1" -g)
    n=$(wc -l <<<"$sorted")
    median=$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")
    range="$(head -1 <<<"$sorted" | cut -d'|' -f"$1")–$(tail -1 <<<"$sorted" | cut -d'|' -f"$1")"
}

# Every measurement runs $repeat times, interleaved so that a slow spell of a shared machine
# spreads over all of them; the tables show the median run and the range.
declare -A runs_throughput runs_latency runs_ceiling
part flood || repeat=0
for ((rep = 1; rep <= repeat; rep++)); do
    for qos in $qos_list; do
        for r in $rates; do
            log "throughput $rep/$repeat, QoS $qos: flood $r/s x $count"
            flood_run "tput-q$qos-$r-$rep" "$qos" "$r" "$count"
            runs_throughput[$qos|$r]+="$flood_row"$'\n'
        done
        log "ceiling $rep/$repeat, QoS $qos: mqtt-bench-publisher x $count"
        ceiling_run "$qos" "ceiling-q$qos-$rep"
        runs_ceiling[$qos]+="$ceiling_row"$'\n'
        for r in $latency_rates; do
            log "latency $rep/$repeat, QoS $qos: flood $r/s for ${latency_seconds}s"
            flood_run "lat-q$qos-$r-$rep" "$qos" "$r" "$((r * latency_seconds))"
            runs_latency[$qos|$r]+="$flood_row"$'\n'
        done
    done
done

part flood || qos_list=""
for qos in $qos_list; do
    for r in $rates; do
        median_row 5 <<<"${runs_throughput[$qos|$r]%$'\n'}"
        rows_throughput+=("$median|$range")
        # The ceiling is compared with the best the gateway delivered at this QoS.
        seen=$(cut -d'|' -f5 <<<"$median")
        if ((seen > ${delivered_rate[$qos]:-0})); then
            delivered_rate[$qos]=$seen
        fi
    done
    for r in $latency_rates; do
        median_row 11 <<<"${runs_latency[$qos|$r]%$'\n'}"
        rows_latency+=("$median|$range")
    done
    median_row 5 <<<"${runs_ceiling[$qos]%$'\n'}"
    seen=$(cut -d'|' -f5 <<<"$median")
    ratio=$(calc '%.0f' "$seen > 0 ? 100 * ${delivered_rate[$qos]} / $seen : 0")
    rows_ceiling+=("$median|$range|${delivered_rate[$qos]}|$ratio")
done

# ---------------------------------------------------------------------------------------------
# d. Scale and idle: one gateway, many controllers

scale_run() {
    local n=$1 site=bench-scale-$1
    if ((fd_limit < 2 * n + 200)); then
        rows_scale+=("$n|skipped: open file limit $fd_limit|||||")
        return
    fi
    start "$site-sim" "$bin/mosaic-sim" --controllers "$n"
    local sim_pid=$started
    wait_line "$work/$site-sim.out" '"ready":true' 60 || die "scale $n: simulator did not start"
    local ports
    ports=$(sed -n 's/.*"ports":\[\([0-9,]*\)\].*/\1/p' "$work/$site-sim.out" | tr ',' ' ')
    {
        echo "site: $site"
        echo "mqtt:"
        echo "  url: mqtt://127.0.0.1:$broker_port"
        echo "controllers:"
        local i=0 port
        for port in $ports; do
            echo "  - name: c$i"
            echo "    url: ws://127.0.0.1:$port/query"
            echo "    keepalive: 10s"
            i=$((i + 1))
        done
        echo "logging:"
        echo "  level: warn"
    } >"$work/$site.yaml"

    start "$site-sub" "$bin/mqtt-bench-subscriber" --uri "$broker_uri" --qos 1 \
        --topic "mosaic/$site/+/status" --ignore "mosaic/$site/gateway/status" \
        --until-payload online --distinct "$n" --timeout 60
    local sub_pid=$started
    wait_line "$work/$site-sub.out" '^ready' 10 || die "scale $n: subscriber did not start"
    local t0
    t0=$(date +%s%N)
    start "$site-gw" "$bin/mosaic-gateway" -c "$work/$site.yaml"
    local gw_pid=$started
    wait_exit "$sub_pid" 70 || die "scale $n: subscriber did not finish"
    sed -n '2p' "$work/$site-sub.out" >"$work/$site-sub.result"
    local done_ns reason online_s
    done_ns=$(field "$work/$site-sub.result" done_unix_ns)
    reason=$(field "$work/$site-sub.result" reason)
    if [[ $reason == distinct ]]; then
        online_s=$(calc '%.2f' "($done_ns - $t0) / 1e9")
    else
        online_s="not all within 60 s"
    fi

    # Settle: the connect-time replies are published and the queues drain.
    sleep 5
    local rss gw_before sim_before broker_before
    gw_before=$(cpu_ticks "$gw_pid")
    sim_before=$(cpu_ticks "$sim_pid")
    broker_before=$(cpu_ticks "$broker_pid")
    sleep "$idle_seconds"
    local gw_cpu sim_cpu broker_cpu hwm
    gw_cpu=$(calc '%.2f' "($(cpu_ticks "$gw_pid") - $gw_before) * 100 / $hz / $idle_seconds")
    sim_cpu=$(calc '%.2f' "($(cpu_ticks "$sim_pid") - $sim_before) * 100 / $hz / $idle_seconds")
    broker_cpu=$(calc '%.2f' \
        "($(cpu_ticks "$broker_pid") - $broker_before) * 100 / $hz / $idle_seconds")
    rss=$(status_kb "$gw_pid" VmRSS)
    hwm=$(status_kb "$gw_pid" VmHWM)
    stop "$gw_pid"
    stop "$sim_pid"
    local memory
    memory="$(calc '%.1f' "$rss / 1024")|$(calc '%.1f' "$hwm / 1024")"
    rows_scale+=("$n|$online_s|$memory|$gw_cpu|$broker_cpu|$sim_cpu")
    log "scale $n: online after $online_s s, RSS $rss kB, idle CPU gateway $gw_cpu%"
}

part scale || scale_list=""
for n in $scale_list; do
    log "scale: $n controllers, idle window ${idle_seconds}s"
    scale_run "$n"
done

# ---------------------------------------------------------------------------------------------
# e. A fleet of sites: one gateway process per site, every site on the one broker

# Sum over the fleet's gateways of cpu_ticks, or of a /proc status field in kB.
fleet_ticks() {
    local pid total=0
    for pid in "${fleet_pids[@]}"; do
        total=$((total + $(cpu_ticks "$pid")))
    done
    echo "$total"
}
fleet_kb() {
    local pid total=0
    for pid in "${fleet_pids[@]}"; do
        total=$((total + $(status_kb "$pid" "$1")))
    done
    echo "$total"
}

declare -a rows_fleet rows_fleet_startup
fleet_run() {
    local gateways=$1 per=$2 n=$(($1 * $2)) changes=$((fleet_rate * fleet_seconds))
    local expected=$((n * changes)) budget=$((fleet_seconds + 240))
    if ((fd_limit < 4 * n + 500)); then
        rows_fleet+=("$gateways × $per|skipped: open file limit $fd_limit|||||||||||")
        return
    fi
    # Every controller floods once its gateway subscribes: $fleet_rate changes/s, $changes in
    # all, over the flood topics group 1-3 and timeline 1-4.
    start fleet-sim "$bin/mosaic-sim" --controllers "$n" --flood-rate "$fleet_rate" \
        --flood-count "$changes"
    local sim_pid=$started
    wait_line "$work/fleet-sim.out" '"ready":true' 60 || die "fleet: simulator did not start"
    local -a ports
    read -r -a ports <<<"$(sed -n 's/.*"ports":\[\([0-9,]*\)\].*/\1/p' \
        "$work/fleet-sim.out" | tr ',' ' ')"

    # Start-up ends when every controller's status is `online`, and every gateway's.
    start fleet-up "$bin/mqtt-bench-subscriber" --uri "$broker_uri" --qos 1 \
        --topic "fleet/+/+/status" --until-payload online --distinct "$((n + gateways))" \
        --timeout 180
    local up_pid=$started
    wait_line "$work/fleet-up.out" '^ready' 10 || die "fleet: subscriber did not start"
    # The flood's latency is split at the time written to fleet-steady-from: what was sent
    # before it met the fleet starting up (1,000 sessions connecting, reading their state and
    # publishing it), what was sent after it is the steady flood.
    start fleet-sub "$bin/mqtt-bench-subscriber" --uri "$broker_uri" --qos 1 \
        --topic "fleet/+/+/group/+" --topic "fleet/+/+/timeline/+" --count "$expected" \
        --idle 10 --timeout "$budget" --steady-from "$work/fleet-steady-from" \
        --latency-file "$work/fleet-latency.txt"
    local sub_pid=$started
    wait_line "$work/fleet-sub.out" '^ready' 10 || die "fleet: subscriber did not start"
    local stages_pid=
    if [[ ${BENCH_FLEET_STAGES:-0} == 1 ]]; then
        start fleet-stages python3 "$repo/tests/bench/wire_stages.py" --broker-port "$broker_port" \
            --csv "$work/fleet-stages.csv" --from-file "$work/fleet-steady-from"
        stages_pid=$started
        wait_line "$work/fleet-stages.out" '^capturing' 10 || die "fleet: capture did not start"
    fi

    fleet_pids=()
    local g c site t0
    t0=$(date +%s%N)
    for ((g = 0; g < gateways; g++)); do
        site=site-$g
        {
            echo "site: $site"
            echo "mqtt:"
            echo "  url: mqtt://127.0.0.1:$broker_port"
            echo "  base_topic: fleet"
            echo "controllers:"
            for ((c = 0; c < per; c++)); do
                echo "  - name: c$c"
                echo "    url: ws://127.0.0.1:${ports[g * per + c]}/query"
            done
            echo "logging:"
            echo "  level: warn"
        } >"$work/fleet-$site.yaml"
        start "fleet-$site" "$bin/mosaic-gateway" -c "$work/fleet-$site.yaml"
        fleet_pids+=("$started")
    done
    wait_exit "$up_pid" 190 || die "fleet: status subscriber did not finish"
    sed -n '2p' "$work/fleet-up.out" >"$work/fleet-up.result"
    local online_s startup_pct=""
    if [[ $(field "$work/fleet-up.result" reason) == distinct ]]; then
        online_s=$(calc '%.2f' "($(field "$work/fleet-up.result" done_unix_ns) - $t0) / 1e9")
        startup_pct=$(calc '%.1f' "$(fleet_ticks) * 100 / $hz / $online_s")
    else
        online_s="not all within 180 s"
    fi
    # Settle: the connect-time replies are published and the queues drain. The steady flood
    # starts after it, with every controller flooding.
    sleep 5
    python3 -c 'import time; print(time.monotonic_ns())' >"$work/fleet-steady-from"
    local steady_t0 steady_ticks broker_before
    steady_t0=$(date +%s%N)
    steady_ticks=$(fleet_ticks)
    broker_before=$(cpu_ticks "$broker_pid")
    ((steady_t0 - t0 < fleet_seconds * 1000000000)) ||
        die "fleet: start-up took longer than the flood (BENCH_FLEET_SECONDS=$fleet_seconds)"

    wait_exit "$sub_pid" "$budget" || die "fleet: subscriber did not finish"
    if [[ -n $stages_pid ]]; then
        kill -TERM "$stages_pid"
        wait_exit "$stages_pid" 120 || die "fleet: capture did not finish"
        log "fleet: hop by hop"
        cat "$work/fleet-stages.out" >&2
    fi
    local busy_ticks broker_ticks rss hwm
    busy_ticks=$(($(fleet_ticks) - steady_ticks))
    broker_ticks=$(cpu_ticks "$broker_pid")
    rss=$(fleet_kb VmRSS)
    hwm=$(fleet_kb VmHWM)
    local out=$work/fleet-sub.out
    sed -n '2p' "$out" >"$out.result"
    local startup_p50 startup_p99 startup_max
    startup_p50=$(calc '%.2f' "$(field "$out.result" startup_p50_ms)")
    startup_p99=$(calc '%.2f' "$(field "$out.result" startup_p99_ms)")
    startup_max=$(calc '%.1f' "$(field "$out.result" startup_max_ms)")
    log "fleet start-up: $n controllers in $gateways gateways online after $online_s s," \
        "gateways' CPU $startup_pct % of a core meanwhile;" \
        "$(field "$out.result" startup_n) flood messages sent before the steady flood:" \
        "p50_ms=$startup_p50 p99_ms=$startup_p99 max_ms=$startup_max"
    # The steady flood: its p50/p99/max are the fleet's figures.
    log "fleet: $(cat "$out.result")"
    local received measured window p50 p99 max
    received=$(field "$out.result" received)
    measured=$(field "$out.result" measured)
    window=$(calc '%.1f' "($(field "$out.result" last_unix_ns) - $steady_t0) / 1e9")
    p50=$(calc '%.2f' "$(field "$out.result" p50_ms)")
    p99=$(calc '%.2f' "$(field "$out.result" p99_ms)")
    max=$(calc '%.1f' "$(field "$out.result" max_ms)")

    # Idle: every flood is over; keep-alives and the periodic temperature poll remain.
    sleep 5
    local idle_before
    idle_before=$(fleet_ticks)
    sleep "$idle_seconds"
    local idle_pct
    idle_pct=$(calc '%.2f' "($(fleet_ticks) - $idle_before) * 100 / $hz / $idle_seconds")
    local pid
    for pid in "${fleet_pids[@]}"; do
        stop "$pid"
    done
    stop "$sim_pid"

    local busy_pct us_per_msg broker_pct
    busy_pct=$(calc '%.1f' "$busy_ticks * 100 / $hz / $window")
    broker_pct=$(calc '%.1f' "($broker_ticks - $broker_before) * 100 / $hz / $window")
    us_per_msg=$(calc '%.1f' "$busy_ticks * 1e6 / $hz / $measured")
    rows_fleet_startup+=("$gateways × $per|$online_s|$startup_pct|$(field "$out.result" startup_n)|$startup_p50|$startup_p99|$startup_max")
    rows_fleet+=("$gateways × $per|$(field "$out.result" rate)|$received of $expected ($measured steady)|$busy_pct|$us_per_msg|$broker_pct|$idle_pct|$(calc '%.0f' "$rss / 1024")|$(calc '%.0f' "$hwm / 1024")|$(calc '%.2f' "$rss / 1024 / $gateways")|$p50|$p99|$max")
    log "fleet: gateways busy $busy_pct % of a core in the steady flood, idle $idle_pct %," \
        "RSS $rss kB in all"
}

if part fleet; then
    log "fleet: $fleet_gateways gateways x $fleet_controllers controllers, $fleet_rate changes/s each for ${fleet_seconds}s"
    fleet_run "$fleet_gateways" "$fleet_controllers"
fi

# ---------------------------------------------------------------------------------------------
# The tables

table_rows() {
    local row
    for row in "$@"; do
        echo "| ${row//|/ | } |"
    done
}

# One row of the targets table: what, target, measured, and whether it holds (awk condition).
declare -a rows_targets
target() {
    local verdict=no
    [[ $(calc '%d' "$4") == 1 ]] && verdict=yes
    rows_targets+=("$1|$2|$3|$verdict")
}

# Columns of a flood row: 1 QoS, 2 rate, 3 msgs, 4 delivered, 5 msgs/s, 6 absorbed, 7 gateway
# µs, 8 mosquitto µs, 9 RSS, 10 p50, 11 p99, 12 max, 13 all p99, 14 all max.
col() { cut -d'|' -f"$2" <<<"$1"; }
for row in "${rows_throughput[@]}"; do
    gw=$(col "$row" 7) mq=$(col "$row" 8)
    target "CPU per message, QoS $(col "$row" 1), flood $(col "$row" 2)/s" \
        "gateway ≤ mosquitto (aim 5 µs)" "gateway $gw µs, mosquitto $mq µs" "$gw <= $mq"
done
for row in "${rows_ceiling[@]}"; do
    ratio=$(col "$row" 10)
    target "throughput vs ceiling, QoS $(col "$row" 1)" "≥ 80 %" "$ratio %" "$ratio >= 80"
done
for row in "${rows_latency[@]}"; do
    [[ $(col "$row" 2) == 5000 ]] || continue
    target "p99 latency at 5k msgs/s, QoS $(col "$row" 1)" "< 2 ms" \
        "$(col "$row" 11) ms ($(col "$row" 13) ms with the start-up)" "$(col "$row" 11) < 2"
done
for row in "${rows_scale[@]}"; do
    [[ $(col "$row" 1) == 1000 && $(col "$row" 3) =~ ^[0-9.]+$ ]] || continue
    online=$(col "$row" 2)
    [[ $online =~ ^[0-9.]+$ ]] || online=999
    target "1,000 controllers: all online" "< 10 s" "$(col "$row" 2) s" "$online < 10"
    target "1,000 controllers: idle CPU" "< 3 % of one core" "$(col "$row" 5) %" \
        "$(col "$row" 5) < 3"
    target "1,000 controllers: RSS" "< 150 MB" "$(col "$row" 3) MB" "$(col "$row" 3) < 150"
done

for row in "${rows_fleet[@]}"; do
    p99=$(col "$row" 12)
    [[ $p99 =~ ^[0-9.]+$ ]] || continue
    target "fleet $(col "$row" 1): p99 latency, steady flood" "< 100 ms" "$p99 ms" "$p99 < 100"
done

flood_header() {
    echo "| QoS | flood rate /s | flood msgs | delivered | delivered msgs/s | absorbed msgs/s | gateway CPU µs/msg | mosquitto CPU µs/msg | gateway peak RSS MB | p50 ms | p99 ms | max ms | all p99 ms | all max ms | $1 over $repeat runs |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
}

{
    echo "# mosaic-gateway benchmark results"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) cores," \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
        "$(awk '/^MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM;" \
        "commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "(working tree as built);" \
        "mosquitto $("$mosquitto_bin" -h 2>&1 | sed -n 's/^mosquitto version //p');" \
        "load average before the run $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "## Throughput: mosaic-sim flood -> gateway -> mosquitto -> subscriber"
    echo
    flood_header "delivered msgs/s"
    table_rows "${rows_throughput[@]}"
    echo
    echo "delivered: MQTT messages the subscriber got (retained state that changed faster than"
    echo "the broker confirmed is coalesced per topic, so it can be fewer than the flood)."
    echo "msgs/s, p50, p99 and max are over the measured window (after a short warm-up);"
    echo "absorbed: flood messages over first-to-last arrival. CPU per message: utime+stime"
    echo "from /proc over the burst, divided by the flood messages (gateway) or the delivered"
    echo "ones (mosquitto, which also serves the subscriber)."
    echo
    echo "## Latency at fixed rates (sim send -> subscriber arrival)"
    echo
    flood_header "p99 ms"
    table_rows "${rows_latency[@]}"
    echo
    echo "## Ceiling: mqtt-bench-publisher straight to the same broker"
    echo
    echo "| QoS | msgs | delivered | publisher msgs/s | subscriber msgs/s | publisher CPU µs/msg | mosquitto CPU µs/msg | subscriber msgs/s over $repeat runs | best gateway delivered msgs/s | gateway / ceiling % |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    table_rows "${rows_ceiling[@]}"
    echo
    echo "## Scale and idle: one gateway, N controllers in one mosaic-sim (keepalive 10s, ${idle_seconds}s idle window)"
    echo
    echo "| controllers | all online after s | gateway RSS MB | gateway peak RSS MB | gateway CPU % of one core | mosquitto CPU % | mosaic-sim CPU % |"
    echo "|---|---|---|---|---|---|---|"
    table_rows "${rows_scale[@]}"
    echo
    echo "## A fleet of sites: gateway processes × controllers each, one broker, every controller flooding $fleet_rate changes/s for ${fleet_seconds}s (QoS 1)"
    echo
    echo "Start-up: every gateway started at once, until every controller and gateway status is"
    echo "online; the flood messages sent before the steady flood (start-up and 5 s to settle):"
    echo
    echo "| sites × controllers | all online after s | all gateways' CPU % of one core meanwhile | flood msgs sent before the steady flood | their p50 ms | p99 ms | max ms |"
    echo "|---|---|---|---|---|---|---|"
    table_rows "${rows_fleet_startup[@]}"
    echo
    echo "The steady flood: messages sent from 5 s after the last controller came online:"
    echo
    echo "| sites × controllers | msgs/s through | delivered | all gateways' CPU % of one core | gateway CPU µs/msg | mosquitto CPU % | all gateways' CPU %, ${idle_seconds}s idle | all gateways' RSS MB | peak RSS MB (sum) | RSS MB per gateway | p50 ms | p99 ms | max ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    table_rows "${rows_fleet[@]}"
    echo
    echo "## Targets"
    echo
    echo "| what | target | measured | met |"
    echo "|---|---|---|---|"
    table_rows "${rows_targets[@]}"
} >"$results"

# The same rows as JSON: one object per row, keys in column order; "range" is the [low, high]
# of the median column over the runs.
json_rows() {
    local -a keys
    read -r -a keys <<<"$1"
    shift
    local row sep="" i
    printf '['
    for row in "$@"; do
        local -a cells
        IFS='|' read -r -a cells <<<"$row"
        printf '%s\n    {' "$sep"
        for ((i = 0; i < ${#keys[@]}; i++)); do
            local value=${cells[$i]:-}
            if [[ ${keys[$i]} == range ]]; then
                value="[${value//–/, }]"
            elif ! [[ $value =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
                value="null"
            fi
            printf '%s"%s": %s' "$([[ $i -gt 0 ]] && echo ', ')" "${keys[$i]}" "$value"
        done
        printf '}'
        sep=","
    done
    printf '\n  ]'
}
flood_keys="qos flood_rate messages delivered delivered_rate absorbed_rate gateway_us"
flood_keys+=" mosquitto_us gateway_peak_rss_mb p50_ms p99_ms max_ms all_p99_ms all_max_ms range"
{
    echo "{"
    echo "  \"source\": \"tests/bench/run.sh\","
    echo "  \"date\": \"$(date -u +%Y-%m-%d)\","
    echo "  \"commit\": \"$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)\","
    echo "  \"load_average\": {\"before\": ${load_before%% *}, \"after\": $(cut -d' ' -f1 /proc/loadavg)},"
    printf '  "throughput": '
    json_rows "$flood_keys" "${rows_throughput[@]}"
    printf ',\n  "latency": '
    json_rows "$flood_keys" "${rows_latency[@]}"
    printf ',\n  "ceiling": '
    json_rows "qos messages delivered publisher_rate subscriber_rate publisher_us mosquitto_us range best_gateway_rate gateway_vs_ceiling_pct" \
        "${rows_ceiling[@]}"
    printf '\n}\n'
} >"$results_json"

echo
cat "$results"
echo
log "written to $results and $results_json; tests/bench/plot.py $results_json draws the figures"
