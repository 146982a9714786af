# Shared by run.sh and profile.sh, which source it: the work directory, the processes started
# under it and their clean-up, waiting with deadlines, free ports, the private broker and the
# flood site file. Set $script (the name in messages) before sourcing.

work=$(mktemp -d "/tmp/mosaic-$script.XXXXXX")
# Processes started here and not yet reaped; only these are ever signalled.
declare -A running=()

cleanup() {
    local pid
    for pid in "${!running[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${!running[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        echo "work directory kept: $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '== %s\n' "$*" >&2; }
die() {
    printf '%s.sh: %s\n' "$script" "$*" >&2
    exit 1
}

# Starts a command in the background with its output in files under $work; sets $started.
start() {
    local name=$1
    shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    started=$!
    running[$started]=1
}

# Running and not a zombie waiting to be reaped.
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
    [[ -n $state && $state != Z ]]
}

reaped() {
    wait "$1" 2>/dev/null || true
    unset "running[$1]"
}

# Stops one process started here: TERM, then KILL after 5 s.
stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || {
        reaped "$pid"
        return 0
    }
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    reaped "$pid"
}

# Waits until a process exits on its own, at most $2 seconds.
wait_exit() {
    local pid=$1 limit=$2 i
    for ((i = 0; i < limit * 10; i++)); do
        alive "$pid" || {
            reaped "$pid"
            return 0
        }
        sleep 0.1
    done
    return 1
}

# Waits until file $1 has a line matching $2, at most $3 seconds.
wait_line() {
    local file=$1 pattern=$2 limit=$3 i
    for ((i = 0; i < limit * 10; i++)); do
        grep -q -- "$pattern" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# A loopback port nobody listens on (a connect attempt fails).
free_port() {
    local port
    for port in $(shuf -i 20000-32000 -n 200); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free loopback port found"
}

# A private mosquitto on a free loopback port; sets $mosquitto_bin, $broker_port, $broker_uri
# and $broker_pid.
start_broker() {
    local i
    mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    [[ -x $mosquitto_bin ]] || die "mosquitto is not installed (deploy/install-deps.sh test)"
    broker_port=$(free_port)
    {
        echo "listener $broker_port 127.0.0.1"
        echo "allow_anonymous true"
        echo "persistence false"
        # Started as root mosquitto would switch to the user mosquitto; a private broker stays.
        [[ $(id -u) == 0 ]] && echo "user root"
        # Nagle against delayed ACK would add ~40 ms to QoS 1 round trips.
        echo "set_tcp_nodelay true"
        # Room enough that the broker never drops or throttles a burst: the measurement is the
        # gateway's, not the broker's queue limits (the defaults are 20 in flight, 1000 queued).
        echo "max_inflight_messages 1000"
        echo "max_queued_messages 1000000"
        echo "max_queued_bytes 0"
        echo "log_dest stderr"
        echo "log_type error"
        echo "log_type warning"
    } >"$work/mosquitto.conf"
    start mosquitto "$mosquitto_bin" -c "$work/mosquitto.conf"
    broker_pid=$started
    for ((i = 0; i < 50; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null && break
        sleep 0.1
    done
    broker_uri=tcp://127.0.0.1:$broker_port
}

# The site file of a flood run: one controller on $3 subscribed to the flooded channels, at
# QoS $2, into file $work/$1.yaml. A short reconnect delay keeps the gateway's wait for the
# simulator's port small.
write_flood_site() {
    local site=$1 qos=$2 sim_port=$3
    cat >"$work/$site.yaml" <<EOF
site: $site
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
}

# Builds the release preset's targets $@ unless BENCH_SKIP_BUILD=1, and checks they exist in
# $bin.
build_release() {
    local program
    if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
        log "building the release preset"
        (cd "$repo" && cmake --preset release >/dev/null &&
            cmake --build --preset release -j"$(nproc)" --target "$@" >"$work/build.log" 2>&1) ||
            {
                tail -30 "$work/build.log" >&2
                die "build failed"
            }
    fi
    for program in "$@"; do
        [[ -x $bin/$program ]] || die "$bin/$program is missing"
    done
}

# mosaic-sim with arguments $@ on ephemeral ports; sets $sim_pid, the array $sim_ports (one per
# controller) and $control (the control API's base URL).
start_sim() {
    local ready
    start sim "$bin/mosaic-sim" "$@"
    sim_pid=$started
    wait_line "$work/sim.out" '"ready"' 10 || die "mosaic-sim did not start: $(cat "$work/sim.err")"
    ready=$(grep '"ready"' "$work/sim.out")
    read -r -a sim_ports <<<"$(python3 -c \
        'import json,sys; print(*json.loads(sys.argv[1])["ports"])' "$ready")"
    control=http://127.0.0.1:$(python3 -c \
        'import json,sys; print(json.loads(sys.argv[1])["control_port"])' "$ready")
}
