"""Scoring, side by side: GiveTake in-process (the reference answers),
its Python package, the CLI over SQLite, and the plain-SQL alternatives
in SQLite and DuckDB."""
from __future__ import annotations

import importlib
import json
import os
import sqlite3
import sys

from .agreement import check, read_csv_rows
from .common import PY, WORK, log
from .measure import row, run_measured, unavailable


def run_givetake(data, cli, gtb, res, agreement, ctx):
    """GiveTake's own paths; returns the reference account rows (None
    without the library)."""
    n, db = data["rows"], data["sqlite"]
    reference = None
    # GiveTake in-process, C ABI batch
    if gtb:
        out = os.path.join(WORK, "gt-inproc.csv")
        _, rss, o = run_measured([gtb, "score", db, "--ack-unit", "row", "--out", out])
        j = json.loads(o)
        reference = read_csv_rows(out)
        res.append(row("GiveTake in-process (C ABI batch)", "gt_scorer_add + finish", j["score_s"], j["rows_per_s"],
                       rss_kb=rss, agree=True, reference=True, cpu_s=j["cpu_s"],
                       note=f"{n / j['cpu_s'] / 1e6:.2f} M rows/s per CPU-second; scorer added "
                            f"{(j['peak_kb'] - j['loaded_kb']) / 1024:.0f} MB to {j['loaded_kb'] / 1024:.0f} MB "
                            "of loaded rows"))
        log(f"GiveTake in-process: {j['score_s']:.3f} s ({j['rows_per_s'] / 1e6:.2f} M rows/s)")
        _, rss, o = run_measured([gtb, "score", db, "--ack-unit", "row", "--no-text"])
        j = json.loads(o)
        res.append(row("GiveTake in-process, no text", "same rows, body/author NULL", j["score_s"], j["rows_per_s"],
                       rss_kb=rss, note="not an answer check (other input)"))
        _, _, o = run_measured([gtb, "calls"])
        ctx["calls"] = json.loads(o)
    else:
        res.append(unavailable("GiveTake in-process (C ABI batch)", "gt_scorer", "dist/lib/libgivetake.so missing (make lib)"))

    # the givetake Python package on a pandas DataFrame (python/)
    if gtb:
        out = os.path.join(WORK, "gt-python.csv")
        _, rss, o = run_measured([sys.executable, os.path.join(PY, "pyscore.py"), "score", db, out])
        j = json.loads(o)
        ok = check(reference, "givetake.score (Python)", read_csv_rows(out), agreement)
        res.append(row("GiveTake Python, givetake.score(DataFrame)", "columns -> gt_interaction array, score",
                       j["seconds"], j["rows_per_s"], rss_kb=rss, agree=ok, cpu_s=j["cpu_s"],
                       note="table read into pandas first (not timed); RSS includes Python and pandas"))
        log(f"givetake.score (Python): {j['seconds']:.3f} s")

    # the CLI over SQLite
    if cli:
        wall, rss, _ = run_measured([cli, "score", db, "--ack-unit", "row", "--quiet", "--format", "csv"])
        con = sqlite3.connect(db)
        cur = con.execute("SELECT * FROM account_scores")
        got = [dict(zip([d[0] for d in cur.description], r)) for r in cur]
        ok = check(reference, "givetake score (SQLite)", got, agreement)
        res.append(row("givetake score, SQLite", "CLI: read table, score, write scores", wall, n / wall, rss_kb=rss,
                       agree=ok))
        log(f"givetake score over SQLite: {wall:.2f} s")
    else:
        res.append(unavailable("givetake score, SQLite", "CLI", "CLI not built (make cli)"))
    return reference


def run_plain_sql(data, reference, agreement, res) -> None:
    import dataset as D
    n, db = data["rows"], data["sqlite"]
    # plain SQL: SQLite and DuckDB (in a fresh process each)
    for engine, label in (("sqlite", "plain SQL in SQLite"), ("duckdb", "plain SQL in DuckDB")):
        target = db
        if engine == "duckdb":
            target = os.path.join(WORK, f"data-{n}.duckdb")
            D.load_duckdb(data["csv"], target)
        out = os.path.join(WORK, f"{engine}-sql.csv")
        _, rss, o = run_measured([sys.executable, os.path.join(PY, "tool.py"), f"{engine}-sql", target, out])
        j = json.loads(o)
        ok = check(reference, label, read_csv_rows(out), agreement)
        note = ("regex functions registered from Python (re; regex for the negation lookbehind)"
                if engine == "sqlite" else f"DuckDB {importlib.import_module('duckdb').__version__}, RE2")
        res.append(row(label, "all metrics, regex lexicon", j["seconds"], n / j["seconds"], rss_kb=rss, agree=ok,
                       note=note + "; RSS includes Python"))
        log(f"{label}: {j['seconds']:.2f} s")
