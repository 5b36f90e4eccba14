"""The PostgreSQL side of `bench`: plain SQL, the extension in-database
(and SELECT classify(body) against SELECT length(body)), and the CLI over
PostgreSQL, all on one throwaway cluster."""
from __future__ import annotations

import os
import subprocess
import time

from .agreement import check, read_csv_rows
from .common import BENCH, SQL_FILES, WORK, log
from .measure import psql_timed, row, run_measured, unavailable
from .prereqs import ensure_postgres


def create_extension(pg) -> subprocess.CompletedProcess:
    """CREATE EXTENSION givetake; returncode 0 when it is installed."""
    return subprocess.run(pg.psql_argv(), input="CREATE EXTENSION IF NOT EXISTS givetake;", capture_output=True,
                          text=True)


def cli_url(pg) -> str:
    """The cluster as the givetake CLI takes it."""
    return f"postgresql:///postgres?host={pg.dir}&port={pg.port}&user=postgres"


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
    probe = create_extension(pg)
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
        url = cli_url(pg)
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


def run_postgres(args, data, reference, agreement, cli, res) -> None:
    """On a throwaway cluster, stopped whatever happens."""
    import engines as E
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
