#!/usr/bin/env bash
# Tariff comparison benchmark (BENCHMARKS.md, "Tariff analysis (issue 12)"): N Aplix
# parcels of a `courier gen` registry re-priced under 3 tariffs (the sample Aplix tariff
# and two variants with other fuel surcharges and ids), measured side by side, in one run,
# against (a) polars reading the same file alone (every column as text; PyPI polars)
# and (b) the same command under a tariff none of whose method codes match, so every
# parcel is read, refused at once and written, but never priced.
# With BASELINE=/path/to/another/courier, that binary's 3-tariff compare runs in the
# same round and every output file of the two is compared byte for byte (`cmp`).
# Then scripts/output_floor.py times polars alone writing the tables the compare wrote
# (the output floor, BENCHMARKS.md "The output floor").
# Prints wall seconds and peak RSS of each, RUNS times. Usage: scripts/bench-compare.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000000}"
runs="${2:-3}"
work="${BENCH_DIR:-/tmp/courier-bench-compare}/$n"
cargo build --release --quiet -p courier-cli
python3 -c "import polars" 2>/dev/null || pip install --quiet polars
bin="${CARGO_TARGET_DIR:-target}/release/courier"
mkdir -p "$work"
if [ ! -f "$work/registry.csv" ]; then
  # About 48 % of generated parcels are Aplix's: generate 2.1 N and keep the first N.
  "$bin" gen --parcels $((n * 21 / 10)) --seed 7 --out "$work/gen" --format json > /dev/null
  awk -F, -v n="$n" 'NR == 1 { print; next } $5 == "aplix" && c < n { print; c++ }' \
    "$work/gen/registry.csv" > "$work/registry.csv"
  rm -rf "$work/gen"
fi
t=data/tariffs/aplix.toml
sed -e 's/^id = "aplix-sample-2026"/id = "aplix-b-2026"/' -e 's/^fuel_percent = "7.5"/fuel_percent = "9.0"/' "$t" > "$work/b.toml"
sed -e 's/^id = "aplix-sample-2026"/id = "aplix-c-2026"/' -e 's/^fuel_percent = "7.5"/fuel_percent = "5.0"/' "$t" > "$work/c.toml"
sed -e 's/^id = "aplix-sample-2026"/id = "aplix-none"/' -e 's/^code = "/code = "none_/' "$t" > "$work/none.toml"
mb=$(( $(stat -c %s "$work/registry.csv") / 1048576 + 1 ))
for r in $(seq "$runs"); do
  echo "round $r, load average $(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f "  read alone (polars): %e s, %M KiB" python3 -c \
    "import sys, polars as pl; pl.scan_csv(sys.argv[1], infer_schema=False).collect()" "$work/registry.csv"
  /usr/bin/time -f "  compare, no method priced: %e s, %M KiB" "$bin" tariffs compare \
    --parcels "$work/registry.csv" --max-input-mb "$mb" --tariff "$work/none.toml" \
    --out "$work/out-none" --format json > /dev/null
  /usr/bin/time -f "  compare under 3 tariffs: %e s, %M KiB" "$bin" tariffs compare \
    --parcels "$work/registry.csv" --max-input-mb "$mb" --tariff "$t" --tariff "$work/b.toml" \
    --tariff "$work/c.toml" --out "$work/out-3" --format json > /dev/null
  # The output floor: polars alone writing the tables the 3-tariff compare wrote.
  python3 scripts/output_floor.py "$work/out-3" "$work/floor-out" 1 | sed 's/^/  output floor: /'
  rm -rf "$work/floor-out"
  if [ -n "${BASELINE:-}" ]; then
    /usr/bin/time -f "  baseline compare under 3 tariffs: %e s, %M KiB" "$BASELINE" tariffs compare \
      --parcels "$work/registry.csv" --max-input-mb "$mb" --tariff "$t" --tariff "$work/b.toml" \
      --tariff "$work/c.toml" --out "$work/out-3-baseline" --format json > /dev/null
    for f in parcels.csv parcels.parquet aggregates.csv differences.csv summary.json report.html rejects.csv; do
      cmp "$work/out-3/$f" "$work/out-3-baseline/$f"
    done
    echo "  outputs identical to the baseline's"
  fi
done
