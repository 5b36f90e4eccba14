"""`scale`: the scoring paths from 10^4 to 10^7 rows, and their report
bench/results/scale.{json,md,png} with the growth exponent of each."""
from __future__ import annotations

import json
import math
import os

from .build import build_gtbench
from .common import RESULTS, WORK, log
from .data import make_data
from .machine import machine
from .measure import psql_timed, run_measured
from .postgres_runs import cli_url, create_extension
from .prereqs import ensure_postgres, ensure_python_deps, find_cli


def scale(args) -> int:
    ensure_python_deps()
    import engines as E
    import dataset as D
    os.makedirs(WORK, exist_ok=True)
    cli = find_cli()
    gtb = build_gtbench()
    sizes = [10_000, 100_000, 1_000_000] + ([] if args.skip_10m else [10_000_000])
    pgbin = None if args.no_postgres else ensure_postgres()
    points = []
    for n in sizes:
        data = make_data(n, cli)
        p = {"rows": data["rows"]}
        if gtb:
            _, rss, o = run_measured([gtb, "score", data["sqlite"]])
            j = json.loads(o)
            p.update(inproc_s=j["score_s"], inproc_rss_mb=rss / 1024,
                     inproc_scorer_mb=(j["peak_kb"] - j["loaded_kb"]) / 1024)
        if cli:
            wall, rss, _ = run_measured([cli, "score", data["sqlite"], "--quiet", "--format", "csv"])
            p.update(sqlite_s=wall, sqlite_rss_mb=rss / 1024)
            if pgbin:
                pg = E.Postgres(pgbin)
                try:
                    pg.start()
                    D.load_postgres(pg, data["csv"])
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
        os.unlink(data["csv"])
        if n >= 10_000_000:
            os.unlink(data["sqlite"])
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
         "| rows | " + " | ".join(f"{name} time | RSS" for _, name in PATHS) + " |",
         "|---:|" + "---:|---:|" * len(PATHS)]
    for p in doc["points"]:
        cells = []
        for key, _ in PATHS:
            s, r = p.get(f"{key}_s"), p.get(f"{key}_rss_mb")
            cells += [f"{s:.3f} s" if s else "–", f"{r:.0f} MB" if r else "–"]
        L.append(f"| {p['rows']:,} | " + " | ".join(cells) + " |")
    L += ["", "Growth exponent b of time ∝ rows^b between the two largest sizes (1.0 = linear):", ""]
    for key, name in PATHS:
        if key in doc["growth"]:
            b = doc["growth"][key]
            L.append(f"- {name}: b = {b:.2f} ({'linear' if b <= 1.15 else 'super-linear'})")
    L += ["", "RSS: peak of the measured process (in-process: gtbench incl. the loaded rows; CLI: the givetake "
          "process; extension: the PostgreSQL backend).", ""]
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
