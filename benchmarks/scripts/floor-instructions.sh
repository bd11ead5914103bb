#!/usr/bin/env bash
# Instructions per operation of the floor benchmark's three variants (untraced, hand-written, nest-tracing) for each
# transport, counted by valgrind's callgrind: repeatable whatever the VM's speed or other load, unlike wall-clock runs.
# Usage (after `npx tsc -b`):
#   [WINDOWS=5] [OPERATIONS=n] [WARMUP=n] [JOBS=2] [KEEP_DUMPS=dir] [EXTRA_ARGS='--hand-written-attributes=start']
#     bash benchmarks/scripts/floor-instructions.sh [transport ...]
#   (default transports: traced-sync traced-async http-server kafka-consumer kafka-producer typeorm-statement)
# Each variant runs alone in its own process, `node --single-threaded --no-memory-reducer
# benchmarks/dist/floor/floor.bench.js --transport=T --variant=V --windows=K --handshake`, under callgrind: start-up
# and the span-shape check, WARMUP operations (default 200 batches of the transport's batch size), then WINDOWS
# windows one after the other: counters zeroed, OPERATIONS operations (default 40 batches), counters dumped.
# src/floor/profiling/callgrind-report.ts then gives per variant the median over its windows (min-max beside it:
# what varies only adds, V8's compiler now and then and a full collection), and the ratio
# (ours - untraced) / (hand-written - untraced), of the medians and of the minima.
# --single-threaded: V8's compiler and collector work on the main thread, where callgrind counts it;
# --no-memory-reducer: no collections started by wall-clock timers, which under callgrind's 50-100x slowdown
# would come far more often per operation than in a real process.
# Writes benchmarks/results/floor-instructions-latest.json. About an hour for all transports on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS=${JOBS:-2}
WINDOWS=${WINDOWS:-5}
TRANSPORTS=("$@")
[ ${#TRANSPORTS[@]} -gt 0 ] || TRANSPORTS=(traced-sync traced-async http-server kafka-consumer kafka-producer typeorm-statement)
# VARIANTS="a b" runs other variants (the diagnostic ones of a transport, by name).
read -r -a VARIANTS <<<"${VARIANTS:-untraced hand-written nest-tracing}"
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
OUT=${KEEP_DUMPS:-$(mktemp -d)}
mkdir -p "$OUT"
[ -n "${KEEP_DUMPS:-}" ] || trap 'rm -rf "$OUT"' EXIT

wait_for() { # file pattern seconds
  for _ in $(seq 1 "$3"); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  return 1
}

count() { # transport variant -> $OUT/<transport>.<variant>.log and .callgrind.<window> (one dump per window)
  local transport=$1 variant=$2 base="$OUT/$1.$2" control pid window
  local args=(--transport="$transport" --variant="$variant" --windows="$WINDOWS" --handshake)
  [ -z "${OPERATIONS:-}" ] || args+=(--operations="$OPERATIONS")
  [ -z "${WARMUP:-}" ] || args+=(--warmup-operations="$WARMUP")
  # shellcheck disable=SC2206
  [ -z "${EXTRA_ARGS:-}" ] || args+=($EXTRA_ARGS)
  rm -f "$base".*
  mkfifo "$base.control"
  valgrind --tool=callgrind --callgrind-out-file="$base.callgrind" --dump-instr=no --collect-atstart=yes \
    node --single-threaded --no-memory-reducer benchmarks/dist/floor/floor.bench.js "${args[@]}" \
    <"$base.control" >"$base.log" 2>&1 &
  pid=$!
  exec {control}>"$base.control"
  for ((window = 1; window <= WINDOWS; window++)); do
    wait_for "$base.log" "^warm $window\$" 3600
    callgrind_control -z "$pid" >/dev/null 2>&1
    echo go >&"$control"
    wait_for "$base.log" "^done .* window $window\$" 3600
    callgrind_control -d "$pid" >/dev/null 2>&1 # dump $base.callgrind.<window>, and zero
  done
  echo exit >&"$control"
  exec {control}>&-
  wait "$pid" || true
}

runs=()
for transport in "${TRANSPORTS[@]}"; do
  for variant in "${VARIANTS[@]}"; do runs+=("$transport $variant"); done
done
for ((i = 0; i < ${#runs[@]}; i += JOBS)); do
  pids=()
  for run in "${runs[@]:i:JOBS}"; do
    # shellcheck disable=SC2086
    count $run &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
done

node benchmarks/dist/floor/profiling/callgrind-report.js "$OUT" "$WINDOWS" "${TRANSPORTS[@]}"
