"""The command line of bench/run.py: `bench` and `scale`, with everything
printed also logged to bench/results/work/run-<command>.log."""
from __future__ import annotations

import argparse
import os
import sys

from .common import WORK
from .scale import scale
from .side_by_side import bench

DESCRIPTION = "GiveTake side by side with what users would pick instead."


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=DESCRIPTION)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--rows", type=int, default=1_000_000)
    b.add_argument("--classify-texts", type=int, default=500_000, help="corpus size for classification alone")
    b.add_argument("--slow-texts", type=int, default=50_000, help="corpus size for VADER and Python re")
    b.add_argument("--no-postgres", action="store_true")
    s = sub.add_parser("scale")
    s.add_argument("--max-exp", type=int, default=7, help="largest size 10^N rows (4..8)")
    s.add_argument("--cli-max-exp", type=int, default=None, help="largest size for the CLI (default: --max-exp)")
    s.add_argument("--pg-max-exp", type=int, default=6, help="largest size for PostgreSQL")
    s.add_argument("--no-postgres", action="store_true")
    a = ap.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the throwaway PostgreSQL is stopped
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(WORK, exist_ok=True)
    logfile = open(os.path.join(WORK, f"run-{a.cmd}.log"), "w")
    sys.stdout = Tee(sys.stdout, logfile)
    sys.stderr = Tee(sys.stderr, logfile)
    return bench(a) if a.cmd == "bench" else scale(a)


class Tee:
    """Everything printed also goes to bench/results/work/run-*.log."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, s):
        for st in self.streams:
            st.write(s)
            st.flush()
        return len(s)

    def flush(self):
        for st in self.streams:
            st.flush()
