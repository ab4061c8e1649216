#!/usr/bin/env bash
# Reconciliation benchmark (BENCHMARKS.md): generate N parcels with `courier gen`, then
# measure side by side, in one run, (a) the floor — polars alone scanning the inputs and
# joining invoices to registries with a grouped sum (batch/examples/polars_floor.rs) —
# and (b) the full `courier reconcile`. Prints wall seconds and peak RSS of each, the
# median of RUNS runs. Usage: scripts/bench-reconcile.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
runs="${2:-3}"
work="${BENCH_DIR:-/tmp/courier-bench}/$n"
cargo build --release --quiet -p courier-cli -p courier-batch --example polars_floor
bin="${CARGO_TARGET_DIR:-target}/release"
if [ ! -f "$work/truth.csv" ]; then
  mkdir -p "$work"
  "$bin/courier" gen --parcels "$n" --seed 1 --out "$work" --format json > "$work/gen.json"
fi
du -sh "$work"
measure() { # label, command...
  local label="$1"; shift
  local times=() rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o /tmp/courier-bench.time "$@" > /dev/null 2>/tmp/courier-bench.err || { cat /tmp/courier-bench.err; exit 1; }
    read -r t m < /tmp/courier-bench.time
    times+=("$t"); rss+=("$m")
  done
  local med_t med_m
  med_t=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  med_m=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$label: median ${med_t} s, peak RSS $((med_m / 1024)) MiB (runs: ${times[*]})"
  echo "$med_t" > "/tmp/courier-bench.$label"
}
measure floor "$bin/examples/polars_floor" "$work"
measure reconcile "$bin/courier" reconcile --registry "$work/registry.csv" --invoices "$work/invoices.csv" \
  --tracking "$work/tracking.csv" --refunds "$work/refunds.csv" --out "$work/out" --quiet --format json
awk -v a="$(cat /tmp/courier-bench.floor)" -v b="$(cat /tmp/courier-bench.reconcile)" 'BEGIN {printf "ratio reconcile/floor: %.2f\n", b/a}'
