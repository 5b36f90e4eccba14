#!/usr/bin/env python3
"""One measurement in a fresh process (so its peak RSS is its own), for
bench/run.py. Prints one JSON object: seconds and what was processed.

    tool.py sqlite-sql DB OUT.csv       plain-SQL metrics in SQLite
    tool.py duckdb-sql DB OUT.csv       plain-SQL metrics in DuckDB
    tool.py classify NAME DB MAX        classification alone with tool NAME:
        hyperscan, hyperscan-buffer, aho, re, vader, bytescan
    tool.py hs-patterns FILE            the Hyperscan expressions, one a line (for c/hsbench.c)
"""
from __future__ import annotations

import csv
import json
import os
import resource
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import engines as E  # noqa: E402

METRIC_FILES = ("00_lexicon.sql", "10_prepare.sql", "20_classify.sql", "30_metrics.sql")


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def sql_metrics(engine: str, db: str, out: str) -> dict:
    text = "".join(E.read_sql(p) + "\n" for p in E.sql_files(engine, METRIC_FILES))
    if engine == "sqlite":
        con = E.sqlite_connect(db)
        t0 = time.perf_counter()
        header, rows = E.sqlite_run(con, text)
    else:
        con = E.duckdb_connect(db)
        t0 = time.perf_counter()
        header, rows = E.duckdb_run(con, text)
    secs = time.perf_counter() - t0
    write_csv(out, header, rows)
    return {"seconds": secs, "accounts": len(rows)}


def corpus(db: str, limit: int) -> list[bytes]:
    con = sqlite3.connect(db)
    cur = con.execute("SELECT body FROM interactions WHERE body IS NOT NULL LIMIT ?", (limit,))
    return [r[0].encode() for r in cur]


def lexicon_phrases() -> list[str]:
    """Word-cue phrases and the phrases of sentence-start cues (found
    anywhere: matching only)."""
    import lexicon as L
    entries = L.default_lexicon()
    cues, _ = L.cues_and_negations(entries)
    return sorted({L.norm_phrase(p) for p, _, _ in cues if not p.startswith("<")}
                  | {L.norm_phrase(p) for p, _, _ in L.start_cues(entries)})


def hyperscan_patterns() -> list[bytes]:
    """The lexicon phrases (caseless literals) and the two number patterns;
    no word boundaries, overlap resolution or negation: matching only."""
    import re
    pats = [re.escape(p).encode() for p in lexicon_phrases()]
    pats += [rb"[0-9][0-9.,]*% ?off", rb"(?:\$|\xe2\x82\xac|\xc2\xa3|\xc2\xa5)[0-9][0-9.,]*"]
    return pats


def classify(name: str, db: str, limit: int) -> dict:
    import lexicon as L
    texts = corpus(db, limit)
    entries = L.default_lexicon()
    phrases = lexicon_phrases()
    count = 0
    if name in ("hyperscan", "hyperscan-buffer"):
        import hyperscan
        db_ = hyperscan.Database()
        pats = hyperscan_patterns()
        db_.compile(expressions=pats, ids=list(range(len(pats))),
                    flags=[hyperscan.HS_FLAG_CASELESS] * len(pats))
        hits = [0]

        def on_match(i, start, end, flags, ctx):
            hits[0] += 1

        t0 = time.perf_counter()
        if name == "hyperscan":
            for t in texts:
                db_.scan(t, match_event_handler=on_match)
        else:
            db_.scan(b"\n".join(texts), match_event_handler=on_match)
        secs = time.perf_counter() - t0
        count = hits[0]
    elif name == "aho":
        import ahocorasick
        A = ahocorasick.Automaton()
        for i, p in enumerate(phrases):
            A.add_word(p, i)
        A.make_automaton()
        strs = [t.decode() for t in texts]
        t0 = time.perf_counter()
        for s in strs:
            for _ in A.iter(s.lower()):
                count += 1
        secs = time.perf_counter() - t0
    elif name == "re":
        import re
        rx = re.compile(L.lookaround_cue_regex(entries))
        strs = [t.decode() for t in texts]
        t0 = time.perf_counter()
        for s in strs:
            count += len(rx.findall(s))
        secs = time.perf_counter() - t0
    elif name == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        an = SentimentIntensityAnalyzer()
        strs = [t.decode() for t in texts]
        t0 = time.perf_counter()
        for s in strs:
            count += an.polarity_scores(s)["compound"] > 0
        secs = time.perf_counter() - t0
    elif name == "bytescan":
        buf = b"\n".join(texts)
        best = 1e30
        for _ in range(5):
            t0 = time.perf_counter()
            count = buf.count(b"\x00")
            best = min(best, time.perf_counter() - t0)
        secs = best
    else:
        raise SystemExit(f"unknown classifier {name}")
    nbytes = sum(len(t) for t in texts)
    return {"seconds": secs, "texts": len(texts), "bytes": nbytes, "matches": int(count),
            "mb_per_s": nbytes / secs / 1e6, "texts_per_s": len(texts) / secs}


def main(argv) -> int:
    if len(argv) >= 3 and argv[0] in ("sqlite-sql", "duckdb-sql"):
        res = sql_metrics(argv[0].split("-")[0], argv[1], argv[2])
    elif len(argv) >= 4 and argv[0] == "classify":
        res = classify(argv[1], argv[2], int(argv[3]))
    elif len(argv) >= 2 and argv[0] == "hs-patterns":
        pats = hyperscan_patterns()
        with open(argv[1], "wb") as f:
            f.write(b"".join(p + b"\n" for p in pats))
        print(json.dumps({"patterns": len(pats)}))
        return 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    res["peak_kb"] = peak_kb()
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
