"""What a run needs before it starts: Python packages, PostgreSQL server
binaries, the givetake CLI, and lexicon SQL that matches the engine."""
from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import subprocess
import sys

from .common import BENCH, PIP, ROOT, log


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


def check_sql_fresh() -> None:
    """The lexicon SQL must match DefaultLexicon.swift."""
    sys.path.insert(0, os.path.join(BENCH, "tools"))
    import gen_lexicon_sql
    if gen_lexicon_sql.main(["--check"]) != 0:
        raise SystemExit("bench/sql/*/00_lexicon.sql is stale: run `make -C bench sql`")
