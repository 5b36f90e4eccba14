"""Shared fixtures: the demo data set from the CLI (dist/bin/givetake)."""
import json
import os
import shutil
import sqlite3
import subprocess

import pytest

import givetake

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def cli_path():
    for p in (os.environ.get("GIVETAKE_CLI"), os.path.join(ROOT, "dist", "bin", "givetake"), shutil.which("givetake")):
        if p and os.path.exists(p):
            return p
    return None


# A lexicon small enough to work scores out by hand, for tests of
# mechanics (batching, NULLs, invalid UTF-8, long texts): the built-in
# lexicon's weights are learned and change when it is retrained.
SMALL_LEXICON = ("tips\tteaching\t1.5\n"
                 "how to\tteaching\t1\n"
                 "recycle\tgive\t0.25\n"
                 "shop now\tselling\t2\n"
                 "buy now\tselling\t1.25\n")


@pytest.fixture(scope="session")
def small_lex():
    return givetake.Lexicon.from_text(SMALL_LEXICON)


@pytest.fixture(scope="session")
def cli():
    path = cli_path()
    if path is None:
        pytest.skip("the givetake CLI is not built (make cli)")
    return path


@pytest.fixture(scope="session")
def demo(cli, tmp_path_factory):
    """(interactions as a list of dicts, the CLI's JSON scores: accounts,
    turns and agents, db path)."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    subprocess.run([cli, "demo", "--db", db, "--quiet"], check=True, capture_output=True)
    def cli_json(*args):
        out = subprocess.run([cli, "score", db, "--format", "json", "--quiet", *args], check=True,
                             capture_output=True, text=True)
        return json.loads(out.stdout)

    scores = cli_json()
    for table, args in (("turns", ("--turns", "all")), ("agents", ("--agents",))):
        try:
            scores[table] = cli_json(*args)[table]
        except subprocess.CalledProcessError:  # a CLI without turns and agents
            scores[table] = None
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM interactions")]
    con.close()
    return rows, scores, db
