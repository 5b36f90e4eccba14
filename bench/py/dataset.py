"""The canonical CSV (gen_data.py or `givetake demo`), read into Python
tuples for the C ABI and loaded into SQLite, DuckDB and PostgreSQL."""
from __future__ import annotations

import csv
import datetime as dt
import os
import sqlite3

COLUMNS = ("id", "account_id", "contact_id", "parent_id", "channel", "kind", "inbound", "automated",
           "has_media", "created_at", "author_name", "body", "value")

PG_DDL = """CREATE TABLE interactions (
  id bigint NOT NULL, account_id bigint NOT NULL, contact_id bigint, parent_id bigint,
  channel text NOT NULL, kind text NOT NULL, inbound boolean NOT NULL, automated boolean NOT NULL,
  has_media boolean NOT NULL, created_at timestamptz NOT NULL, author_name text, body text,
  value double precision NOT NULL DEFAULT 0)"""
DUCKDB_DDL = PG_DDL
SQLITE_DDL = """CREATE TABLE interactions (
  id INTEGER NOT NULL, account_id INTEGER NOT NULL, contact_id INTEGER, parent_id INTEGER,
  channel TEXT NOT NULL, kind TEXT NOT NULL, inbound INTEGER NOT NULL, automated INTEGER NOT NULL,
  has_media INTEGER NOT NULL, created_at TEXT NOT NULL, author_name TEXT, body TEXT,
  value REAL NOT NULL DEFAULT 0)"""

_EPOCH = dt.datetime(1970, 1, 1)


def micros(ts: str) -> int:
    """'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) -> microseconds since the epoch."""
    base = dt.datetime.strptime(ts[:19], "%Y-%m-%d %H:%M:%S")
    frac = ts[20:26] if len(ts) > 19 else ""
    return int((base - _EPOCH).total_seconds()) * 1_000_000 + int((frac + "000000")[:6])


def _int(s):
    return None if s == "" else int(s)


def read_rows(path: str):
    """Tuples in canonical order; created_at as microseconds."""
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        next(rd)
        for r in rd:
            out.append((int(r[0]), int(r[1]), _int(r[2]), _int(r[3]), r[4], r[5], r[6] == "t", r[7] == "t",
                        r[8] == "t", micros(r[9]), r[10] or None, r[11] or None, float(r[12] or 0)))
    return out


def load_sqlite(csv_path: str, db_path: str) -> None:
    if os.path.exists(db_path):
        os.unlink(db_path)
    con = sqlite3.connect(db_path)
    con.execute(SQLITE_DDL)
    with open(csv_path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        next(rd)
        batch = []
        for r in rd:
            batch.append((int(r[0]), int(r[1]), _int(r[2]), _int(r[3]), r[4], r[5], int(r[6] == "t"),
                          int(r[7] == "t"), int(r[8] == "t"), r[9], r[10] or None, r[11] or None,
                          float(r[12] or 0)))
            if len(batch) >= 50_000:
                con.executemany("INSERT INTO interactions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
                batch = []
        con.executemany("INSERT INTO interactions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    con.commit()
    con.close()


def load_duckdb(csv_path: str, db_path: str) -> None:
    import duckdb
    if os.path.exists(db_path):
        os.unlink(db_path)
    con = duckdb.connect(db_path)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(DUCKDB_DDL)
    con.execute(f"""INSERT INTO interactions SELECT * FROM read_csv('{csv_path}', header = true,
        allow_quoted_nulls = false, auto_detect = false, timestampformat = '%Y-%m-%d %H:%M:%S.%f',
        columns = {{'id': 'BIGINT', 'account_id': 'BIGINT', 'contact_id': 'BIGINT', 'parent_id': 'BIGINT',
                   'channel': 'VARCHAR', 'kind': 'VARCHAR', 'inbound': 'BOOLEAN', 'automated': 'BOOLEAN',
                   'has_media': 'BOOLEAN', 'created_at': 'TIMESTAMP', 'author_name': 'VARCHAR',
                   'body': 'VARCHAR', 'value': 'DOUBLE'}})""")
    con.close()


def load_postgres(pg, csv_path: str) -> None:
    os.chmod(csv_path, 0o644)
    pg.run(f"SET TIME ZONE 'UTC';\nDROP TABLE IF EXISTS interactions;\n{PG_DDL};\n"
           f"\\copy interactions FROM '{csv_path}' WITH (FORMAT csv, HEADER true)\n"
           "ANALYZE interactions;\n", csv_out=False)


def export_sqlite_csv(db_path: str, csv_path: str) -> int:
    """The SQLite `interactions` table (as `givetake demo` writes it) to the
    canonical CSV read by the other loaders. Returns the row count."""
    con = sqlite3.connect(db_path)
    n = 0
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        cur = con.execute("SELECT " + ", ".join(COLUMNS) + " FROM interactions ORDER BY rowid")
        while True:
            chunk = cur.fetchmany(50_000)
            if not chunk:
                break
            for r in chunk:
                rec = ["" if v is None else v for v in r]
                for i in (6, 7, 8):
                    rec[i] = "t" if r[i] else "f"
                if rec[11] == "" and r[11] == "":
                    raise ValueError(f"row {r[0]}: empty body (not representable in the CSV)")
                w.writerow(rec)
                n += 1
    con.close()
    return n
