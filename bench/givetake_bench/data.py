"""The synthetic CRM data set every tool reads: made by `givetake demo`
when the CLI is built (else bench/py/gen_data.py), as SQLite and CSV."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import time

from .common import SEED, WORK, log


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
