#!/usr/bin/env python3
"""The reconciliation benchmark's floor (BENCHMARKS.md), as batch/examples/polars_floor.rs:
polars alone scanning the four inputs and left-joining invoices to the registry with a
grouped sum. Python polars from PyPI (`pip install polars`): the same Rust engine, and a
floor that needs no second release build of the polars crate.
Usage: scripts/polars_floor.py DIR [csv|parquet]"""
import sys

import polars as pl

d = sys.argv[1] if len(sys.argv) > 1 else "data/sample"
fmt = sys.argv[2] if len(sys.argv) > 2 else "csv"


def scan(name):
    if fmt == "parquet":
        return pl.scan_parquet(f"{d}/{name}.parquet")
    # Text columns, as the job reads them; ragged rows (deliberate rejects) skipped.
    return pl.scan_csv(f"{d}/{name}.csv", infer_schema=False, truncate_ragged_lines=True,
                       encoding="utf8-lossy")


registry = scan("registry").select("carrier", "order_id", "weight_g")
joined = (
    scan("invoices")
    .join(registry, on=["carrier", "order_id"], how="left")
    .group_by("carrier")
    .agg(pl.len().alias("lines"),
         pl.col("total").cast(pl.Float64, strict=False).sum().alias("billed"),
         pl.col("weight_g").null_count().alias("unmatched"))
    .sort("carrier")
    .collect()
)
tracking = scan("tracking").select(pl.len()).collect()
refunds = (scan("refunds").group_by("carrier")
           .agg(pl.col("amount").cast(pl.Float64, strict=False).sum()).sort("carrier").collect())
print(joined, tracking, refunds, sep="\n")
