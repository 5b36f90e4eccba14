"""Paths, fixed settings and the log line every part of the harness shares."""
from __future__ import annotations

import os
import sys
import time

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
PY = os.path.join(BENCH, "py")
RESULTS = os.path.join(BENCH, "results")
WORK = os.path.join(RESULTS, "work")
# bench/py holds the engines, the data set and the tools run as children.
sys.path.insert(0, PY)

PIP = {"duckdb": "duckdb", "hyperscan": "hyperscan", "ahocorasick": "pyahocorasick",
       "vaderSentiment": "vadersentiment", "matplotlib": "matplotlib", "regex": "regex",
       "pandas": "pandas", "pyarrow": "pyarrow"}
LIB = os.path.join(ROOT, "dist", "lib", "libgivetake.so")
SQL_FILES = ("00_lexicon.sql", "10_prepare.sql", "20_classify.sql", "30_metrics.sql")
SEED = 42


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)
