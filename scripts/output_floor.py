"""The output floor: how long polars alone takes to write a run's tables.

Reads the tables a `courier reconcile` (or `courier tariffs compare`) run wrote into
OUT — untimed, every column as text, into memory — then writes them again with
polars' own writers into SCRATCH and prints the seconds each write took and their sum.
Any implementation of the job must at least write these bytes; BENCHMARKS.md compares
this sum with the issue's floors ("The output floor").

Usage: python3 scripts/output_floor.py OUT SCRATCH [ROUNDS]
"""

import os
import sys
import time

import polars as pl

out, scratch = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
os.makedirs(scratch, exist_ok=True)

tables = {}
for name in ("lines", "parcels", "refunds", "rejects", "aggregates", "differences"):
    path = os.path.join(out, name + ".csv")
    if os.path.exists(path):
        tables[name] = pl.read_csv(path, infer_schema=False)
parquet = [n for n in ("lines", "parcels") if os.path.exists(os.path.join(out, n + ".parquet"))]
print(f"threads {pl.thread_pool_size()}; rows " + ", ".join(f"{n} {t.height:,}" for n, t in tables.items()))

for r in range(rounds):
    total = 0.0
    parts = []
    for name, frame in tables.items():
        t0 = time.perf_counter()
        frame.write_csv(os.path.join(scratch, name + ".csv"))
        dt = time.perf_counter() - t0
        total += dt
        parts.append(f"{name}.csv {dt:.2f} s")
    for name in parquet:
        t0 = time.perf_counter()
        tables[name].write_parquet(os.path.join(scratch, name + ".parquet"))
        dt = time.perf_counter() - t0
        total += dt
        parts.append(f"{name}.parquet {dt:.2f} s")
    print(f"round {r + 1}: " + ", ".join(parts) + f"; total {total:.2f} s")
