#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang-15, AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each for a bounded time.
#
#   deploy/fuzz.sh [SECONDS [TARGET...]]
#
# SECONDS per target defaults to 30 (what deploy/test.sh runs); `deploy/fuzz.sh 600` is a
# longer run. TARGETs are names under tests/fuzz/ (link_text, get_payload, ...); all by default.
# Each target starts from its seed corpus in tests/fuzz/corpus/<target>/ plus what earlier
# runs found in build-fuzz/corpus/<target>/ (kept between runs, never written into the
# repository). Runs every target, then fails if any crashed, leaked, hung or ran out of memory;
# the input that did it is in build-fuzz/crashes/ and the target's log is printed.
# Reproduce with: build-fuzz/bin/fuzz_<target> build-fuzz/crashes/<file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[ $# -gt 0 ] && shift
[[ $seconds =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: fuzz.sh [SECONDS [TARGET...]]" >&2
  exit 2
}

cmake --preset fuzz >/dev/null
# clang's warnings are shown by its own build, not failed on: the gcc presets enforce them.
cmake --build --preset fuzz -j"$(nproc)" >build-fuzz/build.log 2>&1 || {
  tail -50 build-fuzz/build.log
  echo "fuzz.sh: build failed (full log: build-fuzz/build.log)" >&2
  exit 1
}

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for program in build-fuzz/bin/fuzz_*; do
    targets+=("${program#build-fuzz/bin/fuzz_}")
  done
fi

mkdir -p build-fuzz/crashes
failed=()
for target in "${targets[@]}"; do
  program=build-fuzz/bin/fuzz_$target
  [ -x "$program" ] || {
    echo "fuzz.sh: no such target: $target" >&2
    exit 2
  }
  seeds=tests/fuzz/corpus/$target
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  log=build-fuzz/$target.log
  echo "== fuzz_$target for ${seconds}s"
  # New inputs go to the first directory; the seeds are only read. -timeout: one input taking
  # longer than 10 s is a hang. Inputs above 64 KiB find nothing the smaller ones do not.
  if "$program" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -max_len=65536 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$target-" \
    >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    echo "ok: $runs inputs, peak RSS $rss MB, corpus $(find "$corpus" -type f | wc -l) files"
  else
    tail -60 "$log"
    echo "FAIL: fuzz_$target (log: $log; input: $(ls -t build-fuzz/crashes/"$target"-* 2>/dev/null | head -1))"
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets ran ${seconds}s each without a finding"
