#!/usr/bin/env bash
# Reconciliation benchmark (BENCHMARKS.md): generate N parcels with `courier gen`, then
# measure side by side, in one run, (a) the floor — polars alone scanning the inputs and
# joining invoices to registries with a grouped sum (batch/examples/polars_floor.rs) —
# and (b) the full `courier reconcile`. Prints wall seconds and peak RSS of each, the
# median of RUNS runs, for CSV inputs and for their Parquet copies (FORMATS="csv parquet"
# by default). Usage: scripts/bench-reconcile.sh [N] [RUNS]
# BASELINE=/path/to/courier also measures that binary (e.g. the build before a change) in
# the same run, right after the current one, and checks that both write the same bytes.
# RSS is the peak resident set of the whole command (/usr/bin/time %M). After each
# format's run, scripts/output_floor.py prints how long polars alone takes to write the
# same tables (the output floor, BENCHMARKS.md "The output floor").
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
runs="${2:-3}"
work="${BENCH_DIR:-/tmp/courier-bench}/$n"
formats="${FORMATS:-csv parquet}"
# The floor is polars from PyPI (scripts/polars_floor.py, the same engine as
# batch/examples/polars_floor.rs): building the Rust example in release would compile
# polars a second time, with the examples' dev-dependency features.
cargo build --release --quiet -p courier-cli
python3 -c "import polars" 2>/dev/null || pip install --quiet polars
bin="${CARGO_TARGET_DIR:-target}/release"
if [ ! -f "$work/truth.csv" ]; then
  mkdir -p "$work"
  "$bin/courier" gen --parcels "$n" --seed 1 --out "$work" --format json > "$work/gen.json"
fi
if [[ "$formats" == *parquet* && ! -f "$work/parquet/refunds.parquet" ]]; then
  python3 - "$work" <<'PY'
import sys, os, polars as pl
d = sys.argv[1]
os.makedirs(f"{d}/parquet", exist_ok=True)
for n in ["registry", "invoices", "tracking", "refunds"]:
    pl.scan_csv(f"{d}/{n}.csv", infer_schema=False, truncate_ragged_lines=True,
                encoding="utf8-lossy").sink_parquet(f"{d}/parquet/{n}.parquet")
PY
fi
du -sh "$work"/*.csv "$work"/parquet 2>/dev/null || true
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
for fmt in $formats; do
  if [ "$fmt" = parquet ]; then in="$work/parquet"; ext=parquet; else in="$work"; ext=csv; fi
  measure "floor-$fmt" python3 scripts/polars_floor.py "$in" "$fmt"
  args=(reconcile --registry "$in/registry.$ext" --invoices "$in/invoices.$ext"
    --tracking "$in/tracking.$ext" --refunds "$in/refunds.$ext" --quiet --format json)
  measure "reconcile-$fmt" "$bin/courier" "${args[@]}" --out "$work/out-$fmt"
  awk -v a="$(cat "/tmp/courier-bench.floor-$fmt")" -v b="$(cat "/tmp/courier-bench.reconcile-$fmt")" \
    -v f="$fmt" 'BEGIN {printf "%s: ratio reconcile/floor %.2f\n", f, b/a}'
  # The output floor: polars alone writing the tables this run wrote (read into memory
  # first, untimed), so the ratio can be read against what writing them costs at least.
  python3 scripts/output_floor.py "$work/out-$fmt" "$work/floor-out" 1 | sed "s/^/$fmt output floor: /"
  rm -rf "$work/floor-out"
  if [ -n "${BASELINE:-}" ]; then
    measure "baseline-$fmt" "$BASELINE" "${args[@]}" --out "$work/out-base-$fmt"
    awk -v a="$(cat "/tmp/courier-bench.floor-$fmt")" -v b="$(cat "/tmp/courier-bench.baseline-$fmt")" \
      -v c="$(cat "/tmp/courier-bench.reconcile-$fmt")" -v f="$fmt" \
      'BEGIN {printf "%s: ratio baseline/floor %.2f, speed-up baseline/reconcile %.2f\n", f, b/a, b/c}'
    for o in lines.csv lines.parquet parcels.csv refunds.csv rejects.csv summary.json report.html; do
      cmp "$work/out-$fmt/$o" "$work/out-base-$fmt/$o" || { echo "$fmt: $o differs from the baseline's"; exit 1; }
    done
    echo "$fmt: every output file is byte-identical to the baseline's"
    rm -rf "$work/out-base-$fmt"
  fi
done
