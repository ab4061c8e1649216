#!/usr/bin/env bash
# Two builds of courier, alternated, on the same reconciliation input (BENCHMARKS.md,
# "Reconciliation"): ROUNDS rounds of BASE then NEW, each timed (wall, user + system
# CPU, peak RSS), then all seven outputs of the two compared byte for byte (`cmp`) and
# deleted (10 M parcels write some 3 GB per run).
# Usage: scripts/ab-reconcile.sh ROUNDS DATA_DIR BASE_BIN NEW_BIN
#   DATA_DIR holds registry, invoices, tracking and refunds as `courier gen` writes them
#   (e.g. the folder scripts/bench-reconcile.sh generates); EXT=parquet reads
#   DATA_DIR/parquet/*.parquet instead of DATA_DIR/*.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1; d=$2; base=$3; new=$4
ext=${EXT:-csv}; [ "$ext" = parquet ] && d=$d/parquet
tariffs=$(pwd)/data/tariffs
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for r in $(seq "$rounds"); do
  for b in base new; do
    bin=$base; [ $b = new ] && bin=$new
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" "$bin" reconcile \
      --registry "$d/registry.$ext" --invoices "$d/invoices.$ext" \
      --tracking "$d/tracking.$ext" --refunds "$d/refunds.$ext" \
      --tariffs "$tariffs" --quiet --format json --out "$scratch/$b" > /dev/null
    read -r e u s m < "$scratch/time"
    echo "round $r $b ($bin): wall $e s, cpu $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') s ($u user + $s system), peak rss $((m / 1024)) MiB"
  done
  same=yes
  for f in lines.csv lines.parquet parcels.csv refunds.csv rejects.csv summary.json report.html; do
    cmp -s "$scratch/base/$f" "$scratch/new/$f" || { echo "  DIFFERS: $f"; same=no; }
  done
  echo "  outputs identical: $same"
  rm -rf "$scratch/base" "$scratch/new"
done
