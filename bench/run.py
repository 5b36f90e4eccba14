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
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PY = os.path.join(BENCH, "py")
RESULTS = os.path.join(BENCH, "results")
WORK = os.path.join(RESULTS, "work")
sys.path.insert(0, PY)

PIP = {"duckdb": "duckdb", "hyperscan": "hyperscan", "ahocorasick": "pyahocorasick",
       "vaderSentiment": "vadersentiment", "matplotlib": "matplotlib", "regex": "regex",
       "pandas": "pandas", "pyarrow": "pyarrow"}
LIB = os.path.join(ROOT, "dist", "lib", "libgivetake.so")
SQL_FILES = ("00_lexicon.sql", "10_prepare.sql", "20_classify.sql", "30_metrics.sql")
SEED = 42


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ------------------------------------------------------------ prerequisites

def ensure_python_deps() -> None:
    missing = [pkg for mod, pkg in PIP.items() if importlib.util.find_spec(mod) is None]
    if missing:
        log("pip install " + " ".join(missing))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q"] + missing, check=True)
        importlib.invalidate_caches()


def ensure_postgres() -> str | None:
    import engines as E
    if E.find_pg_bin() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        log("apt-get install postgresql-15")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql-15"], check=False,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    return E.find_pg_bin()


def find_cli() -> str | None:
    for p in (os.environ.get("GIVETAKE_CLI"), os.path.join(ROOT, ".build-cli", "release", "givetake-cli"),
              shutil.which("givetake")):
        if p and os.path.exists(p):
            return p
    return None


def build_gtbench() -> str | None:
    """bench/c/gtbench.c against dist/ (the C ABI batch path)."""
    if not os.path.exists(LIB):
        return None
    out = os.path.join(WORK, "gtbench")
    src = os.path.join(BENCH, "c", "gtbench.c")
    if not os.path.exists(out) or os.path.getmtime(out) < max(os.path.getmtime(src), os.path.getmtime(LIB)):
        libdir = os.path.dirname(LIB)
        subprocess.run(["cc", "-O2", "-std=gnu11", "-I", os.path.join(ROOT, "dist", "include"), src, "-L", libdir,
                        "-lgivetake", "-lsqlite3", "-lm", f"-Wl,-rpath,{libdir}", "-o", out], check=True)
    return out


def build_hsbench() -> str | None:
    """bench/c/hsbench.c against libhyperscan (apt: libhyperscan-dev)."""
    if not os.path.exists("/usr/include/hs/hs.h") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("apt-get install libhyperscan-dev")
        subprocess.run(["apt-get", "install", "-y", "-qq", "libhyperscan-dev"], check=False,
                       stdout=subprocess.DEVNULL, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not os.path.exists("/usr/include/hs/hs.h"):
        return None
    out = os.path.join(WORK, "hsbench")
    src = os.path.join(BENCH, "c", "hsbench.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run(["cc", "-O2", "-std=gnu11", src, "-lhs", "-lsqlite3", "-o", out], check=True)
    return out


# ------------------------------------------------------------------ running

def run_child(argv, env=None, stdin=None):
    """Run a command; return (wall seconds, peak RSS kB of that child, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE if stdin else None,
                         text=True, env=env)
    out, err = p.communicate(stdin)
    wall = time.perf_counter() - t0
    # communicate() has reaped the child; its rusage is folded into
    # RUSAGE_CHILDREN only as a maximum, so measure with wait4 instead
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}... failed ({p.returncode}): {err.strip()[-1500:]}")
    return wall, out


def run_measured(argv, env=None):
    """(wall seconds, peak RSS kB, stdout) via /usr/bin/time -f."""
    timefile = os.path.join(WORK, "time.txt")
    if os.path.exists("/usr/bin/time"):
        wall, out = run_child(["/usr/bin/time", "-f", "%M", "-o", timefile] + argv, env=env)
        rss = int(open(timefile).read().strip().split("\n")[-1])
    else:
        wall, out = run_child(argv, env=env)
        rss = None
    return wall, rss, out


class Result(dict):
    """One table row: tool, what, seconds, rate, unit, rss_mb, agree, note."""


def row(tool, what, seconds=None, rate=None, unit="rows/s", rss_kb=None, agree=None, note="", group="score",
        available=True, **extra):
    r = Result(tool=tool, what=what, seconds=seconds, rate=rate, unit=unit,
               rss_mb=None if rss_kb is None else rss_kb / 1024, agree=agree, note=note, group=group,
               available=available)
    r.update(extra)
    return r


def unavailable(tool, what, why, group="score"):
    log(f"{tool}: not available yet ({why})")
    return row(tool, what, note=f"not available yet: {why}", group=group, available=False)


# --------------------------------------------------------------------- data

def make_data(rows: int, cli: str | None) -> dict:
    import dataset as D
    os.makedirs(WORK, exist_ok=True)
    db = os.path.join(WORK, f"data-{rows}.sqlite")
    csv_path = os.path.join(WORK, f"data-{rows}.csv")
    t0 = time.perf_counter()
    if os.path.exists(db):
        os.unlink(db)
    if cli:
        subprocess.run([cli, "demo", "--rows", str(rows), "--seed", str(SEED), "--db", db, "--no-score", "--quiet"],
                       check=True)
        # The plain-SQL reference implements the v1 columns and counts every
        # needs-ack row (ack_unit = row): keep the canonical v1 columns and
        # score every GiveTake tool with ack_unit = row, so the answers
        # compare.
        con = sqlite3.connect(db)
        for col in ("thread_id", "agent_id"):
            if col in [r[1] for r in con.execute("PRAGMA table_info(interactions)")]:
                con.execute(f"ALTER TABLE interactions DROP COLUMN {col}")
        con.commit()
        con.close()
        source = "givetake demo"
        D.export_sqlite_csv(db, csv_path)
    else:
        import gen_data
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            gen_data.write_csv(gen_data.Gen(rows, SEED).run(), f)
        D.load_sqlite(csv_path, db)
        source = "bench/py/gen_data.py"
    gen_s = time.perf_counter() - t0
    n = sqlite3.connect(db).execute("SELECT count(*), sum(length(CAST(body AS BLOB))) FROM interactions").fetchone()
    log(f"data: {n[0]} rows, {n[1] / 1e6:.1f} MB of text, from {source} ({gen_s:.1f} s)")
    return {"rows": n[0], "text_bytes": n[1], "sqlite": db, "csv": csv_path, "source": source, "seed": SEED}


# --------------------------------------------------------------- agreement

def read_csv_rows(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check(reference, name, got_rows, results_agree):
    import agree
    if reference is None:
        results_agree[name] = "unchecked (no GiveTake reference)"
        return None
    diffs = agree.compare(reference, got_rows)
    if diffs:
        log(f"ANSWERS DIFFER: {name} vs GiveTake:\n    " + "\n    ".join(diffs))
        results_agree[name] = diffs
        return False
    results_agree[name] = "same answers"
    return True


# -------------------------------------------------------------- PostgreSQL

PSQL_TIME = re.compile(r"^Time: ([0-9.]+) ms", re.M)


def psql_timed(pg, script: str, out_csv: str | None = None):
    """Run a psql script with \\timing; return (sum of statement times in s,
    backend peak RSS kB). The script's result rows go to out_csv (\\o)."""
    body = "\\timing on\n" + script
    body += "\n\\o\n\\timing off\nSELECT pg_read_file('/proc/self/status');\n"
    argv = pg.psql_argv() + ["--csv"]
    wall, out = run_child(argv, stdin=body)
    times = [float(x) for x in PSQL_TIME.findall(out)]
    m = re.search(r"VmHWM:\s+(\d+) kB", out)
    return sum(times) / 1000, int(m.group(1)) if m else None, times


def bench_postgres(pg, data, reference, agreement, cli, res):
    import dataset as D
    n = data["rows"]
    sqldir = os.path.join(BENCH, "sql", "postgres")
    t0 = time.perf_counter()
    D.load_postgres(pg, data["csv"])
    log(f"postgres: loaded {n} rows in {time.perf_counter() - t0:.1f} s")

    # plain SQL
    out = os.path.join(WORK, "pg-sql.csv")
    script = "".join(f"\\i {os.path.join(sqldir, f)}\n" for f in SQL_FILES[:3])
    script += f"\\o {out}\n\\i {os.path.join(sqldir, SQL_FILES[3])}\n"
    secs, rss, _ = psql_timed(pg, script)
    ok = check(reference, "plain SQL, PostgreSQL", read_csv_rows(out), agreement)
    res.append(row("plain SQL in PostgreSQL", "all metrics, regex lexicon", secs, n / secs, rss_kb=rss, agree=ok,
                   note=f"PostgreSQL {pg.version}; backend RSS"))
    log(f"plain SQL, PostgreSQL: {secs:.2f} s")

    # the extension, in-database
    probe = subprocess.run(pg.psql_argv(), input="CREATE EXTENSION IF NOT EXISTS givetake;", capture_output=True,
                           text=True)
    if probe.returncode != 0:
        res.append(unavailable("GiveTake PostgreSQL extension", "score_accounts()",
                               "CREATE EXTENSION givetake failed (make -C postgres install): "
                               + probe.stderr.strip()[-160:]))
    else:
        out = os.path.join(WORK, "pg-ext.csv")
        secs, rss, _ = psql_timed(pg, f"\\o {out}\nSET givetake.ack_unit = row;\n"
                                      "SELECT * FROM givetake.score_accounts('interactions') "
                                      "ORDER BY account_id, channel NULLS FIRST;\n")
        ok = check(reference, "GiveTake PostgreSQL extension", read_csv_rows(out), agreement)
        res.append(row("GiveTake PostgreSQL extension", "givetake.score_accounts(), in-database", secs, n / secs,
                       rss_kb=rss, agree=ok, note="backend RSS"))
        log(f"PostgreSQL extension: {secs:.2f} s")
        # SELECT classify(body) vs SELECT length(body)
        q = ("SELECT count(givetake.classify(body)) FROM interactions;\n"
             "SELECT count(length(body)) FROM interactions;\n") * 3
        _, _, times = psql_timed(pg, "\\o /dev/null\n" + q)
        cls, ln = min(times[0::2]), min(times[1::2])
        res.append(row("SELECT givetake.classify(body)", f"{n} rows, best of 3", cls / 1000, n / (cls / 1000),
                       group="sqlfn", note=f"{cls / ln:.2f}x SELECT length(body) ({ln / 1000:.3f} s)",
                       ratio_to_length=cls / ln))

    # the CLI over PostgreSQL
    if cli:
        url = f"postgresql:///postgres?host={pg.dir}&port={pg.port}&user=postgres"
        wall, rss, _ = run_measured([cli, "score", url, "--ack-unit", "row", "--quiet", "--format", "csv"])
        out = os.path.join(WORK, "cli-pg.csv")
        pg.run(f"\\copy (SELECT * FROM account_scores ORDER BY account_id, channel NULLS FIRST) TO '{out}' "
               "WITH (FORMAT csv, HEADER true)\n", csv_out=False)
        ok = check(reference, "givetake score (PostgreSQL)", read_csv_rows(out), agreement)
        res.append(row("givetake score, PostgreSQL", "CLI: read table, score, write scores", wall, n / wall,
                       rss_kb=rss, agree=ok, note="client RSS"))
        log(f"givetake score over PostgreSQL: {wall:.2f} s")
    else:
        res.append(unavailable("givetake score, PostgreSQL", "CLI", "CLI not built (make cli)"))


# ---------------------------------------------------------------- main run

def check_sql_fresh() -> None:
    """The lexicon SQL must match DefaultLexicon.swift."""
    sys.path.insert(0, os.path.join(BENCH, "tools"))
    import gen_lexicon_sql
    if gen_lexicon_sql.main(["--check"]) != 0:
        raise SystemExit("bench/sql/*/00_lexicon.sql is stale: run `make -C bench sql`")


def bench(args) -> int:
    ensure_python_deps()
    check_sql_fresh()
    import engines as E
    import dataset as D
    os.makedirs(WORK, exist_ok=True)
    cli = find_cli()
    gtb = build_gtbench()
    data = make_data(args.rows, cli)
    n, db = data["rows"], data["sqlite"]
    res: list[Result] = []
    agreement: dict = {}
    reference = None
    ctx = {"calls": None}

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

    # PostgreSQL: plain SQL, the extension, the CLI
    pgbin = None if args.no_postgres else ensure_postgres()
    if pgbin:
        pg = E.Postgres(pgbin)
        try:
            pg.start()
            bench_postgres(pg, data, reference, agreement, cli, res)
        finally:
            pg.stop()
    else:
        for t in ("plain SQL in PostgreSQL", "GiveTake PostgreSQL extension", "givetake score, PostgreSQL"):
            res.append(unavailable(t, "", "no PostgreSQL server binaries" if not args.no_postgres else "--no-postgres"))

    # classification alone, on the same corpus (the data set's bodies)
    limit = args.classify_texts
    if gtb:
        _, rss, o = run_measured([gtb, "classify", db, "--max", str(limit)])
        j = json.loads(o)
        res.append(row("GiveTake classify (C ABI batch)", f"{j['texts']} texts", j["best_s"], j["mb_per_s"], "MB/s",
                       rss_kb=rss, group="classify", texts_per_s=j["texts_per_s"], reference=True,
                       note="best of 5; full rules (boundaries, overlaps, negation, pronouns)"))
        _, rss, o = run_measured([sys.executable, os.path.join(PY, "pyscore.py"), "classify", db, str(limit)])
        j = json.loads(o)
        res.append(row("GiveTake Python, classify_many(list of str)", f"{j['texts']} texts", j["seconds"],
                       j["mb_per_s"], "MB/s", rss_kb=rss, group="classify", texts_per_s=j["texts_per_s"],
                       note="best of 5; str -> UTF-8 buffer + offsets, then gt_classify_batch"))
    # Hyperscan from C: the same expressions, a counting C callback
    hsb = build_hsbench()
    if hsb:
        pats = os.path.join(WORK, "hs-patterns.txt")
        run_measured([sys.executable, os.path.join(PY, "tool.py"), "hs-patterns", pats])
        _, rss, o = run_measured([hsb, pats, db, str(limit)])
        j = json.loads(o)
        note = f"Hyperscan {j['hyperscan'].split()[0]} from C; {j['patterns']} caseless expressions; matching only"
        res.append(row("Hyperscan, one buffer", f"{j['texts']} texts", j["buffer_s"], j["buffer_mb_per_s"], "MB/s",
                       rss_kb=rss, group="classify", texts_per_s=j["texts"] / j["buffer_s"],
                       note=note + "; best of 5"))
        res.append(row("Hyperscan, per text", f"{j['texts']} texts", j["per_text_s"], j["per_text_mb_per_s"], "MB/s",
                       rss_kb=rss, group="classify", texts_per_s=j["per_text_texts_per_s"],
                       note=note + "; hs_scan per text; best of 5"))
    else:
        for label in ("Hyperscan, one buffer", "Hyperscan, per text"):
            res.append(unavailable(label, "", "libhyperscan-dev not installed", group="classify"))
    tools = [("hyperscan-buffer", "Hyperscan from Python, one buffer", limit,
              "python-hyperscan, same expressions; matching only"),
             ("hyperscan", "Hyperscan from Python, per text", limit, "a Python callback per match; matching only"),
             ("aho", "pyahocorasick, per text", limit, "matching only, no boundaries"),
             ("re", "Python re alternation, per text", min(limit, args.slow_texts), "cue regex with lookarounds"),
             ("vader", "VADER polarity_scores, per text", min(limit, args.slow_texts), "sentiment lexicon tool"),
             ("bytescan", "plain byte scan (bytes.count)", limit, "memory-speed floor")]
    for name, label, lim, note in tools:
        try:
            _, rss, o = run_measured([sys.executable, os.path.join(PY, "tool.py"), "classify", name, db, str(lim)])
            j = json.loads(o)
            res.append(row(label, f"{j['texts']} texts", j["seconds"], j["mb_per_s"], "MB/s", rss_kb=rss,
                           group="classify", texts_per_s=j["texts_per_s"], note=note + "; RSS includes Python"))
        except (RuntimeError, json.JSONDecodeError) as e:
            res.append(unavailable(label, "", str(e)[:200], group="classify"))

    return finish(args, data, res, agreement, ctx)


# ------------------------------------------------------------------ output

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for mod in ("duckdb", "hyperscan", "ahocorasick", "matplotlib", "regex"):
        try:
            m = importlib.import_module(mod)
            versions[mod] = getattr(m, "__version__", "?")
        except Exception:
            pass
    for dist in ("vadersentiment", "pyahocorasick"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except Exception:
            pass
    versions.pop("ahocorasick", None)
    try:
        import gtlib
        g, _ = gtlib.load(LIB)
        versions["givetake"] = g.version if g else None
    except Exception:
        pass
    for cmd, key in ((["psql", "--version"], "psql"), (["swift", "--version"], "swift")):
        try:
            versions[key] = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().split("\n")[0]
        except OSError:
            pass
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = None
    mem = None
    try:
        mem = int(open("/proc/meminfo").readline().split()[1]) // 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "os": platform.platform(),
            "versions": versions, "commit": commit,
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def fmt_rate(r):
    if r.get("rate") is None:
        return "–"
    if r["unit"] == "MB/s":
        return f"{r['rate']:,.1f} MB/s"
    return f"{r['rate'] / 1e6:,.2f} M rows/s" if r["rate"] >= 1e5 else f"{r['rate']:,.0f} rows/s"


def targets(res, ctx, scale=None):
    by = {r["tool"]: r for r in res}
    out = []

    def t(name, value, ok, detail):
        out.append({"target": name, "value": value, "met": ok, "detail": detail})

    g = by.get("GiveTake classify (C ABI batch)")
    hs = by.get("Hyperscan, one buffer")
    if g and hs and hs.get("rate"):
        x = g["rate"] / hs["rate"]
        t("classify ≥ 1.0× Hyperscan", f"{x:.2f}×", x >= 1.0, "MB/s vs Hyperscan scanning one buffer")
    for other in ("VADER polarity_scores, per text", "Python re alternation, per text"):
        o = by.get(other)
        if g and o and o.get("texts_per_s"):
            x = g["texts_per_s"] / o["texts_per_s"]
            t(f"classify ≥ 100× {other.split(',')[0]}", f"{x:,.0f}×", x >= 100, "texts/s")
    ip = by.get("GiveTake in-process (C ABI batch)")
    if ip and ip.get("cpu_s"):
        x = ip["rate"] * ip["seconds"] / ip["cpu_s"] / 1e6
        t("in-process scoring ≥ 5 M rows/s/core", f"{x:.2f} M", x >= 5, "rows per CPU-second (user+sys)")
    ext = by.get("GiveTake PostgreSQL extension")
    pgs = by.get("plain SQL in PostgreSQL")
    if ext and pgs and ext.get("seconds") and pgs.get("seconds"):
        x = pgs["seconds"] / ext["seconds"]
        t("in-database ≥ 20× plain SQL in PostgreSQL", f"{x:.1f}×", x >= 20, "time ratio")
    dk = by.get("plain SQL in DuckDB")
    if ext and dk and ext.get("seconds") and dk.get("seconds"):
        x = dk["seconds"] / ext["seconds"]
        t("in-database faster than DuckDB plain SQL", f"{x:.1f}×", x > 1, "time ratio")
    sf = by.get("SELECT givetake.classify(body)")
    if sf:
        x = sf["ratio_to_length"]
        t("SELECT classify(body) ≤ 1.5× SELECT length(body)", f"{x:.2f}×", x <= 1.5, "best of 3")
    for a in ("givetake score, SQLite", "givetake score, PostgreSQL"):
        r = by.get(a)
        if r and r.get("rate"):
            t(f"adapter ≥ 1 M rows/s ({a.split(', ')[1]})", f"{r['rate'] / 1e6:.2f} M", r["rate"] >= 1e6,
              "end to end: read, score, write")
    if scale:
        big = [p for p in scale.get("points", []) if p["rows"] >= 10_000_000 and p.get("inproc_scorer_mb")]
        if big:
            p = big[-1]
            x = p["inproc_scorer_mb"]
            t("10 M rows ≤ 512 MB", f"{x:,.0f} MB", x <= 512,
              f"memory the scorer added in-process (scale run, {scale['machine']['date']}); "
              f"givetake score SQLite peak {p.get('sqlite_rss_mb', 0):,.0f} MB")
    c = ctx.get("calls")
    if c:
        t("C call ≤ 20 ns", f"{c['version_ns']:.1f} ns", c["version_ns"] <= 20,
          f"gt_version_number; gt_classify on 2 bytes {c['classify_2b_ns']:.0f} ns")
    return out


def finish(args, data, res, agreement, ctx) -> int:
    m = machine()
    ref = next((r for r in res if r.get("reference") and r["group"] == "score"), None)
    cref = next((r for r in res if r.get("reference") and r["group"] == "classify"), None)
    for r in res:
        base = cref if r["group"] == "classify" else ref
        if base and r["group"] in ("score", "classify") and r.get("seconds") and base.get("seconds"):
            r["ratio"] = (base["rate"] / r["rate"]) if r["group"] == "classify" else r["seconds"] / base["seconds"]
    scale = None
    sp = os.path.join(RESULTS, "scale.json")
    if os.path.exists(sp):
        scale = json.load(open(sp))
    tg = targets(res, ctx, scale)
    regressions = regression_check(res, ctx)
    void = [r["tool"] for r in res if r.get("agree") is False]
    doc = {"machine": m, "data": {k: v for k, v in data.items() if k in ("rows", "text_bytes", "source", "seed")},
           "results": res, "agreement": agreement, "targets": tg, "calls": ctx.get("calls"), "void": void,
           "regressions": regressions}
    os.makedirs(RESULTS, exist_ok=True)
    json.dump(doc, open(os.path.join(RESULTS, "latest.json"), "w"), indent=1, default=str)
    write_md(doc)
    chart(doc)
    log("wrote bench/results/latest.md, latest.json, latest.png")
    if void:
        log("FAIL: answers differ from GiveTake's, these comparisons are VOID: " + ", ".join(void))
        return 1
    return 0


def regression_check(res, ctx) -> list[str]:
    """Figures under the floors of bench/Thresholds/harness.json."""
    path = os.path.join(BENCH, "Thresholds", "harness.json")
    if not os.path.exists(path):
        return []
    floors = json.load(open(path))
    out = []
    for r in res:
        f = floors.get(r["tool"])
        if f and r.get("rate") is not None and r["rate"] < f["min_rate"]:
            out.append(f"{r['tool']}: {fmt_rate(r)} < floor {f['min_rate']:,} {r['unit']}")
    c = ctx.get("calls")
    if c and "c_call_ns" in floors and c["version_ns"] > floors["c_call_ns"]["max"]:
        out.append(f"C call: {c['version_ns']:.1f} ns > {floors['c_call_ns']['max']} ns")
    return out


def write_md(doc) -> None:
    m, d = doc["machine"], doc["data"]
    L = [f"# GiveTake benchmark — {d['rows']:,} rows", "",
         f"{m['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_mb']:,} MB; commit {m['commit']}; "
         f"data: {d['source']} --rows {d['rows']} --seed {d['seed']} ({d['text_bytes'] / 1e6:.1f} MB of text).", "",
         "Ratio: time ÷ GiveTake in-process time (scoring), GiveTake MB/s ÷ tool MB/s (classification); "
         "higher = GiveTake faster. Peak RSS: the measured process (see notes). "
         "Answers: the tool's account rows equal GiveTake's (counts exact, percentiles within 1 %/1 s).", ""]
    for group, title in (("score", "Scoring: same data, same answers"), ("sqlfn", "SQL function cost"),
                         ("classify", "Classification alone (same corpus)")):
        rows = [r for r in doc["results"] if r["group"] == group]
        if not rows:
            continue
        L += [f"## {title}", "", "| tool | what | time | rows/s or MB/s | ratio | peak RSS | answers | notes |",
              "|---|---|---:|---:|---:|---:|---|---|"]
        for r in rows:
            if not r["available"]:
                L.append(f"| {r['tool']} | {r['what']} | – | – | – | – | – | {r['note']} |")
                continue
            ratio = f"{r['ratio']:,.1f}×" if r.get("ratio") else "–"
            rss = f"{r['rss_mb']:,.0f} MB" if r.get("rss_mb") else "–"
            ans = {True: "same", False: "**DIFFERENT: VOID**", None: "–"}[r.get("agree")]
            extra = f"{r['texts_per_s']:,.0f} texts/s; " if r.get("texts_per_s") else ""
            L.append(f"| {r['tool']} | {r['what']} | {r['seconds']:.3f} s | {fmt_rate(r)} | {ratio} | {rss} | {ans} "
                     f"| {extra}{r['note']} |")
        L.append("")
    c = doc.get("calls")
    if c:
        L += ["## C ABI", "", f"- call overhead (gt_version_number): {c['version_ns']:.1f} ns",
              f"- gt_classify on a 2-byte text: {c['classify_2b_ns']:.0f} ns; on a {c['post_bytes']}-byte post: "
              f"{c['classify_post_ns']:.0f} ns", f"- lexicon build (gt_lexicon_new, built-in): {c['lexicon_build_us']:.0f} µs", ""]
    if doc["targets"]:
        L += ["## Targets", "", "| target | measured | met | basis |", "|---|---:|---|---|"]
        for t in doc["targets"]:
            L.append(f"| {t['target']} | {t['value']} | {'yes' if t['met'] else '**no**'} | {t['detail']} |")
        L.append("")
    L += ["## Regression check (bench/Thresholds/harness.json)", ""]
    L += [f"- possible regression: {x}" for x in doc["regressions"]] or ["- every figure is at or above its floor"]
    L.append("")
    if doc["void"]:
        L += ["## VOID", "", "These tools gave different answers, so their timings compare nothing:", ""]
        for name in doc["void"]:
            L.append(f"- {name}")
        L.append("")
    v = m["versions"]
    L += ["## Versions", "", ", ".join(f"{k} {val}" for k, val in v.items() if val), ""]
    open(os.path.join(RESULTS, "latest.md"), "w").write("\n".join(L))


def chart(doc, path=None) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib missing: no chart")
        return
    score = [r for r in doc["results"] if r["group"] == "score" and r["available"] and r.get("rate")]
    cls = [r for r in doc["results"] if r["group"] == "classify" and r["available"] and r.get("rate")]
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
    for ax, rows, unit, title in ((axes[0], score, "rows/s", "Scoring (higher is better)"),
                                  (axes[1], cls, "MB/s", "Classification (higher is better)")):
        rows = sorted(rows, key=lambda r: r["rate"])
        names = [r["tool"] for r in rows]
        colors = ["#d62728" if r.get("agree") is False else "#2ca02c" if "GiveTake" in r["tool"] or "givetake" in r["tool"]
                  else "#7f7f7f" for r in rows]
        ax.barh(names, [r["rate"] for r in rows], color=colors)
        ax.set_xscale("log")
        ax.set_xlabel(unit + " (log scale)")
        ax.set_title(title)
        for i, r in enumerate(rows):
            ax.text(r["rate"], i, f" {r['rate']:,.3g}", va="center", fontsize=8)
    d = doc["data"]
    fig.suptitle(f"GiveTake vs alternatives — {d['rows']:,} rows, {doc['machine']['cpu']}, "
                 f"{doc['machine']['cores']} cores, {doc['machine']['date']}")
    fig.tight_layout()
    fig.savefig(path or os.path.join(RESULTS, "latest.png"), dpi=110)
    plt.close(fig)


# -------------------------------------------------------------------- scale

def scale(args) -> int:
    """10^4 .. 10^max_exp rows, every size generated afresh and deleted after
    use, so the run needs the disk of the largest size only. In-process:
    gtbench stream (rows generated on the fly, scored in groups of
    accounts); CLI: `givetake demo --no-score` writes the SQLite file (not
    timed), `givetake score` with its default memory bound is timed."""
    ensure_python_deps()
    import engines as E
    os.makedirs(WORK, exist_ok=True)
    cli = find_cli()
    gtb = build_gtbench()
    top = args.max_exp
    cli_top = min(top, args.cli_max_exp if args.cli_max_exp is not None else top)
    pg_top = min(top, args.pg_max_exp)
    pgbin = None if args.no_postgres or pg_top < 4 else ensure_postgres()
    points = []
    for e in range(4, top + 1):
        n = 10 ** e
        p = {"rows": n}
        if gtb:
            wall, rss, o = run_measured([gtb, "stream", str(n)])
            j = json.loads(o)
            p.update(inproc_s=j["seconds"], inproc_rss_mb=rss / 1024, inproc_scorer_mb=j["peak_kb"] / 1024,
                     inproc_groups=j["groups"])
        if cli and e <= cli_top:
            db = os.path.join(WORK, f"scale-{n}.sqlite")
            if os.path.exists(db):
                os.unlink(db)
            t0 = time.perf_counter()
            subprocess.run([cli, "demo", "--rows", str(n), "--seed", str(SEED), "--db", db, "--no-score", "--quiet"],
                           check=True)
            p["sqlite_gen_s"] = time.perf_counter() - t0
            try:
                wall, rss, _ = run_measured([cli, "score", db, "--quiet", "--format", "csv"])
                p.update(sqlite_s=wall, sqlite_rss_mb=rss / 1024)
            finally:
                os.unlink(db)
        if pgbin and cli and e <= pg_top:
            pg = E.Postgres(pgbin)
            try:
                pg.start()
                url = f"postgresql:///postgres?host={pg.dir}&port={pg.port}&user=postgres"
                subprocess.run([cli, "demo", "--rows", str(n), "--seed", str(SEED), "--db", url, "--no-score",
                                "--quiet"], check=True)
                wall, rss, _ = run_measured([cli, "score", url, "--quiet", "--format", "csv"])
                p.update(postgres_s=wall, postgres_rss_mb=rss / 1024)
                probe = subprocess.run(pg.psql_argv(), input="CREATE EXTENSION IF NOT EXISTS givetake;",
                                       capture_output=True, text=True)
                if probe.returncode == 0:
                    secs, rss, _ = psql_timed(pg, "\\o /dev/null\nSELECT count(*) FROM "
                                                  "givetake.score_accounts('interactions');\n")
                    p.update(extension_s=secs, extension_rss_mb=rss / 1024 if rss else None)
            finally:
                pg.stop()
        log(f"scale {n}: " + ", ".join(f"{k}={v:.3g}" for k, v in p.items() if isinstance(v, float)))
        points.append(p)
    doc = {"machine": machine(), "points": points, "growth": growth(points)}
    json.dump(doc, open(os.path.join(RESULTS, "scale.json"), "w"), indent=1)
    write_scale_md(doc)
    scale_chart(doc)
    log("wrote bench/results/scale.md, scale.json, scale.png")
    return 0


PATHS = (("inproc", "GiveTake in-process"), ("sqlite", "givetake score, SQLite"),
         ("postgres", "givetake score, PostgreSQL"), ("extension", "PostgreSQL extension"))


def growth(points):
    """Exponent b of time ~ rows^b between the two largest sizes (1 = linear)."""
    out = {}
    for key, _ in PATHS:
        pts = [(p["rows"], p[f"{key}_s"]) for p in points if p.get(f"{key}_s")]
        if len(pts) >= 2:
            (n1, t1), (n2, t2) = pts[-2], pts[-1]
            out[key] = math.log(t2 / t1) / math.log(n2 / n1)
    return out


def write_scale_md(doc) -> None:
    m = doc["machine"]
    L = ["# GiveTake scaling run", "", f"{m['date']}; {m['cpu']}, {m['cores']} cores; commit {m['commit']}.", "",
         "| rows | " + " | ".join(f"{name} time | ns/row | RSS" for _, name in PATHS) + " |",
         "|---:|" + "---:|---:|---:|" * len(PATHS)]
    for p in doc["points"]:
        cells = []
        for key, _ in PATHS:
            s, r = p.get(f"{key}_s"), p.get(f"{key}_rss_mb")
            cells += [f"{s:.3f} s" if s else "–", f"{s * 1e9 / p['rows']:.0f}" if s else "–",
                      f"{r:.0f} MB" if r else "–"]
        L.append(f"| {p['rows']:,} | " + " | ".join(cells) + " |")
    L += ["", "Growth exponent b of time ∝ rows^b between the two largest sizes (1.0 = linear):", ""]
    for key, name in PATHS:
        if key in doc["growth"]:
            b = doc["growth"][key]
            L.append(f"- {name}: b = {b:.2f} ({'linear' if b <= 1.15 else 'super-linear'})")
    L += ["", "RSS: peak of the measured process (in-process: gtbench, rows generated on the fly and scored "
          "in groups of accounts of at most 1,000,000 rows; CLI: the givetake process with its default memory "
          "bound; extension: the PostgreSQL backend). Data generation is not timed.", ""]
    open(os.path.join(RESULTS, "scale.md"), "w").write("\n".join(L))


def scale_chart(doc) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 5))
    for key, name in PATHS:
        pts = [(p["rows"], p.get(f"{key}_s"), p.get(f"{key}_rss_mb")) for p in doc["points"] if p.get(f"{key}_s")]
        if not pts:
            continue
        a1.plot([x for x, _, _ in pts], [t for _, t, _ in pts], "o-", label=name)
        a2.plot([x for x, _, r in pts if r], [r for _, _, r in pts if r], "o-", label=name)
    for ax, yl, title in ((a1, "seconds", "Time"), (a2, "peak RSS, MB", "Memory")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rows")
        ax.set_ylabel(yl)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(f"GiveTake scaling — {doc['machine']['cpu']}, {doc['machine']['date']}")
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, "scale.png"), dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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


if __name__ == "__main__":
    sys.exit(main())
