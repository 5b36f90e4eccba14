#!/usr/bin/env python3
"""GiveTake side by side with what users would pick instead.

    python3 bench/run.py bench [--rows 1000000]     # make bench
    python3 bench/run.py scale [--max-exp N]        # make bench-scale [SCALE_MAX=N]

`bench` generates one synthetic CRM data set, loads it into SQLite, DuckDB
and a throwaway PostgreSQL cluster, times every tool on it, checks that
the answers agree (a tool whose answers differ is VOID and the run exits 1),
and writes bench/results/latest.{md,json,png}. `scale` times the scoring
paths from 10^4 to 10^SCALE_MAX rows and writes bench/results/scale.{md,json,png}.
Pieces that are not built yet are reported as "not available", never
guessed at. Timings are wall-clock on this machine; see bench/README.md.
The harness itself is the package givetake_bench (one job a module).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from givetake_bench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
