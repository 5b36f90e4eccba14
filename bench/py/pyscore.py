#!/usr/bin/env python3
"""The givetake Python package timed in a fresh process, for bench/run.py.
Prints one JSON object.

    pyscore.py score DB OUT.csv     givetake.score(DataFrame): the table read into
                                    pandas first (not timed); OUT.csv gets the
                                    account rows for the agreement check
    pyscore.py classify DB MAX      givetake.classify_many(list of str), best of 5
"""
from __future__ import annotations

import csv
import json
import math
import os
import resource
import sqlite3
import sys
import time

import gtlib  # noqa: F401  (puts python/src on sys.path, points at dist/lib)

os.environ.setdefault("GIVETAKE_LIB", gtlib.DEFAULT_LIB)
import givetake  # noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def score(db: str, out: str) -> dict:
    import pandas as pd
    con = sqlite3.connect(db)
    df = pd.read_sql_query("SELECT * FROM interactions", con)
    df["created_at"] = pd.to_datetime(df["created_at"], format="ISO8601")
    t0, c0 = time.perf_counter(), cpu()
    res = givetake.score(df, frames=False, ack_unit="row")  # as the other GiveTake rows (run.py)
    rows = res.account_rows()
    secs, cpu_s = time.perf_counter() - t0, cpu() - c0
    fields = [f for f in rows.dtype.names if f != "reserved" and not f.endswith("business_s")]
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for r in rows.tolist():
            d = dict(zip(rows.dtype.names, r))
            d["channel"] = "" if d["channel"] < 0 else givetake.CHANNELS[d["channel"]]
            w.writerow(["" if isinstance(d[k], float) and math.isnan(d[k]) else d[k] for k in fields])
    return {"rows": len(df), "seconds": secs, "cpu_s": cpu_s, "rows_per_s": len(df) / secs,
            "input": "pandas.DataFrame, " + ", ".join(sorted({str(t) for t in df.dtypes}))}


def classify(db: str, limit: int) -> dict:
    con = sqlite3.connect(db)
    texts = [r[0] for r in con.execute("SELECT body FROM interactions WHERE body IS NOT NULL LIMIT ?", (limit,))]
    nbytes = sum(len(t.encode()) for t in texts)
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        givetake.classify_many(texts)
        best = min(best, time.perf_counter() - t0)
    return {"texts": len(texts), "seconds": best, "mb_per_s": nbytes / best / 1e6, "texts_per_s": len(texts) / best}


def main(argv) -> int:
    if argv[1] == "score":
        r = score(argv[2], argv[3])
    elif argv[1] == "classify":
        r = classify(argv[2], int(argv[3]))
    else:
        raise SystemExit(__doc__)
    r["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
