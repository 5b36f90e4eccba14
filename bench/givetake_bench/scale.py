"""`scale`: the scoring paths from 10^4 to 10^SCALE_MAX rows, and their
report bench/results/scale.{json,md,png} with the growth exponent of each."""
from __future__ import annotations

import json
import math
import os
import subprocess
import time

from .build import build_gtbench
from .common import RESULTS, SEED, WORK, log
from .machine import machine
from .measure import psql_timed, run_measured
from .postgres_runs import cli_url, create_extension
from .prereqs import ensure_postgres, ensure_python_deps, find_cli


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
                subprocess.run([cli, "demo", "--rows", str(n), "--seed", str(SEED), "--db", cli_url(pg), "--no-score",
                                "--quiet"], check=True)
                wall, rss, _ = run_measured([cli, "score", cli_url(pg), "--quiet", "--format", "csv"])
                p.update(postgres_s=wall, postgres_rss_mb=rss / 1024)
                if create_extension(pg).returncode == 0:
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
