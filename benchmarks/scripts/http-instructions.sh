#!/usr/bin/env bash
# Instructions per request of GET /$ROUTE (default hello) for each setup, counted by valgrind's callgrind (repeatable
# whatever the VM's speed or other load, unlike wall-clock runs). Usage (after `npx tsc -b`):
#   [ROUTE=work] [WARMUP=n] [MEASURED=n] bash benchmarks/scripts/http-instructions.sh [setup ...]
#   (default setups: untraced bare-span bare-span-attributes nest-tracing)
# Each server runs under callgrind with `node --single-threaded`, takes WARMUP requests unmeasured,
# then MEASURED requests counted (autocannon, 4 connections). Two setups run at a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUTE=${ROUTE:-hello}
WARMUP=${WARMUP:-8000}
MEASURED=${MEASURED:-4000}
# /work's CPU loop: the iteration count http-bench calibrated at about 1 ms on this machine kind
WORK_ITERATIONS=${WORK_ITERATIONS:-350000}
SETUPS=("$@")
[ ${#SETUPS[@]} -gt 0 ] || SETUPS=(untraced bare-span bare-span-attributes nest-tracing)
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
OUT=$(mktemp -d)
AUTOCANNON=node_modules/.bin/autocannon

count() { # setup port -> prints "setup instructions-per-request"
  local setup=$1 port=$2 file="$OUT/$1.out"
  # the setup's request headers (a sampled-out traceparent), sent with every request, warm-up included
  local headers=()
  while IFS= read -r header; do [ -n "$header" ] && headers+=(-H "$header"); done < <(
    node --input-type=module -e "const { findSetup } = await import('./benchmarks/dist/macro/setups.js');
      for (const [k, v] of Object.entries(findSetup('$setup').requestHeaders ?? {})) console.log(k + '=' + v);"
  )
  valgrind --tool=callgrind --callgrind-out-file="$file" --dump-instr=no --collect-atstart=yes \
    node --single-threaded benchmarks/dist/macro/http-server.js --setup="$setup" --port="$port" --work-iterations="$WORK_ITERATIONS" \
    >"$OUT/$setup.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/hello" >/dev/null 2>&1 && break
    sleep 1
  done
  "$AUTOCANNON" -a "$WARMUP" -c 4 -t 60 "${headers[@]}" "http://127.0.0.1:$port/$ROUTE" >/dev/null 2>&1
  callgrind_control -z "$pid" >/dev/null 2>&1
  "$AUTOCANNON" -a "$MEASURED" -c 4 -t 60 "${headers[@]}" "http://127.0.0.1:$port/$ROUTE" >/dev/null 2>&1
  callgrind_control -d "$pid" >/dev/null 2>&1
  sleep 1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local dump
  dump=$(ls -t "$file".* 2>/dev/null | head -1)
  local total
  total=$(grep -m1 -E '^(summary|totals):' "$dump" | awk '{print $2}')
  echo "$setup $((total / MEASURED))"
}

port=${PORT_BASE:-3805}
results=()
for ((i = 0; i < ${#SETUPS[@]}; i += 2)); do
  pids=()
  for setup in "${SETUPS[@]:i:2}"; do
    count "$setup" "$port" >"$OUT/$setup.result" &
    pids+=($!)
    port=$((port + 1))
  done
  wait "${pids[@]}"
done
base=""
printf '%-24s %14s %10s\n' setup instr/request 'untraced/setup'
for setup in "${SETUPS[@]}"; do
  read -r name value <"$OUT/$setup.result"
  [ "$name" = untraced ] && base=$value
  if [ -n "$base" ]; then ratio=$(awk -v b="$base" -v v="$value" 'BEGIN { printf "%.3f", b / v }'); else ratio=-; fi
  printf '%-24s %14s %10s\n' "$name" "$value" "$ratio"
done
rm -rf "$OUT"
