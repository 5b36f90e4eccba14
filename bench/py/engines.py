"""The three databases the plain SQL runs on, behind one small interface:
load the canonical CSV, run a SQL script, fetch rows.

* SQLite through Python's sqlite3, with regexp(), regexp_matches(),
  regexp_count() and regexp_replace() registered from Python (SQLite has no
  regular expressions of its own; module `regex` has PostgreSQL's
  variable-length lookbehind).
* DuckDB through its Python package (in-process, like SQLite).
* PostgreSQL: a throwaway cluster (initdb into a temporary directory, unix
  socket only, a free port, run as user `postgres` when we are root),
  driven with psql; `stop()` removes it.
"""
from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SQL_DIR = os.path.join(HERE, "..", "sql")


def sql_files(engine: str, names=("00_lexicon.sql", "20_classify.sql")) -> list[str]:
    return [os.path.join(SQL_DIR, engine, n) for n in names]


def read_sql(path: str) -> str:
    return open(path, encoding="utf-8").read()


def split_statements(text: str) -> list[str]:
    """Split on ';' at line ends outside dollar quotes (enough for our files)."""
    out, cur, in_dollar = [], [], False
    for line in text.split("\n"):
        if line.count("$f$") % 2 == 1:
            in_dollar = not in_dollar
        cur.append(line)
        if not in_dollar and line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            out.append("\n".join(cur))
            cur = []
    rest = "\n".join(cur).strip()
    if rest and not all(l.strip().startswith("--") or not l.strip() for l in rest.split("\n")):
        out.append(rest)
    return out


# ------------------------------------------------------------------ SQLite

def sqlite_connect(path: str):
    import sqlite3
    import regex

    cache: dict[str, object] = {}

    def comp(p):
        """Python's re; module regex only for what re cannot compile (the
        variable-length lookbehind of the negation window)."""
        r = cache.get(p)
        if r is None:
            try:
                r = re.compile(p)
            except re.error:
                r = regex.compile(p)
            cache[p] = r
        return r

    def f_regexp(p, s):
        return None if s is None or p is None else int(comp(p).search(s) is not None)

    def f_matches(s, p):
        if s is None:
            return "[]"
        return json.dumps([list(m.groups()) for m in comp(p).finditer(s)], ensure_ascii=False)

    def f_count(s, p):
        return 0 if s is None else sum(1 for _ in comp(p).finditer(s))

    def f_replace(s, p, r):
        return None if s is None else comp(p).sub(r, s)

    def f_substr(s, p):
        if s is None:
            return None
        m = comp(p).search(s)
        return m.group(0) if m else None

    con = sqlite3.connect(path)
    det = {"deterministic": True}
    con.create_function("regexp", 2, f_regexp, **det)
    con.create_function("regexp_matches", 2, f_matches, **det)
    con.create_function("regexp_count", 2, f_count, **det)
    con.create_function("regexp_replace", 3, f_replace, **det)
    con.create_function("regexp_substr", 2, f_substr, **det)
    return con


def sqlite_run(con, text: str):
    cur = con.cursor()
    last = None
    for st in split_statements(text):
        cur.execute(st)
        if cur.description:
            last = ([d[0] for d in cur.description], cur.fetchall())
    con.commit()
    return last


# ------------------------------------------------------------------ DuckDB

def duckdb_connect(path: str = ":memory:", threads: int | None = None):
    import duckdb
    con = duckdb.connect(path)
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def duckdb_run(con, text: str):
    last = None
    for st in split_statements(text):
        rel = con.execute(st)
        if rel.description:
            last = ([d[0] for d in rel.description], rel.fetchall())
    return last


# -------------------------------------------------------------- PostgreSQL

def find_pg_bin() -> str | None:
    for d in [os.path.dirname(shutil.which("initdb") or "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if d and os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    return None


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Postgres:
    """A throwaway cluster. Use as a context manager so it is always stopped."""

    SETTINGS = {  # stated in bench/README.md
        "listen_addresses": "''", "fsync": "off", "synchronous_commit": "off",
        "full_page_writes": "off", "shared_buffers": "512MB", "work_mem": "256MB",
        "maintenance_work_mem": "256MB", "max_wal_size": "4GB", "jit": "off",
    }

    def __init__(self, bindir: str | None = None, base: str | None = None):
        self.bindir = bindir or find_pg_bin()
        if not self.bindir:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        # under bench/results/work by default: shared /tmp gets swept by others
        base = base or os.path.join(HERE, "..", "results", "work")
        os.makedirs(base, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="pg-", dir=os.path.abspath(base))
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        self.started = False
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(self.dir, 0o755)

    def _run(self, argv, **kw):
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)

    def start(self):
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data, "-E", "UTF8", "--locale=C",
                   "-A", "trust", "-U", "postgres"])
        opts = " ".join(f"-c {k}={v}" for k, v in self.SETTINGS.items())
        opts += f" -k {self.dir} -p {self.port}"
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", opts, "-l",
                   os.path.join(self.dir, "log"), "-w", "start"])
        self.started = True
        self.version = self.query("SHOW server_version")[1][0][0]
        return self

    def stop(self):
        try:
            if self.started:
                self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])
        except subprocess.CalledProcessError:
            pass
        finally:
            self.started = False
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def psql_argv(self):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-p", str(self.port),
                "-U", "postgres", "-d", "postgres"]

    def run(self, sql: str, csv_out: bool = True, files: list[str] = ()):
        """Run SQL text (after `files`) in one session; return (header, rows) of
        the last result as strings, or None."""
        argv = self.psql_argv() + (["--csv"] if csv_out else [])
        for f in files:
            argv += ["-f", f]
        p = subprocess.run(argv + ["-f", "-"], input=sql, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"psql failed: {p.stderr.strip()[-2000:]}")
        return parse_psql_csv(p.stdout)

    def query(self, sql: str):
        return self.run(sql)


def parse_psql_csv(out: str):
    """psql --csv prints one block per result; keep the last block."""
    if not out.strip():
        return None
    blocks, cur = [], []
    rows = list(csv.reader(io.StringIO(out)))
    # a header row starts a block: we cannot tell headers apart reliably, so
    # callers end scripts with a single SELECT; earlier output is ignored
    return rows[0], rows[1:]


def timed(fn, *a, **kw):
    t0 = time.perf_counter()
    r = fn(*a, **kw)
    return r, time.perf_counter() - t0
