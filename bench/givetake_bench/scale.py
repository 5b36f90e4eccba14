"""`scale`: the scoring paths from 10^4 to 10^SCALE_MAX rows, and their
report bench/results/scale.{json,md,png}: time per row between
consecutive sizes, which is constant when the time is linear."""
from __future__ import annotations

import json
import os
import subprocess
import time

from .build import build_gtbench
from .common import RESULTS, SEED, WORK, log
from .machine import machine
from .measure import psql_timed, run_measured_cpu
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
        reps = repeats(n)
        p["repeats"] = reps
        if gtb:
            runs = [(json.loads(o), rss) for _, _, rss, o in (run_measured_cpu([gtb, "stream", str(n)])
                                                              for _ in range(reps))]
            j, rss = median_of(runs, key=lambda r: r[0]["cpu_s"])
            p.update(inproc_s=j["cpu_s"], inproc_wall_s=j["seconds"], inproc_rss_mb=rss / 1024,
                     inproc_scorer_mb=j["peak_kb"] / 1024, inproc_groups=j["groups"])
            if j.get("engine_cpu_s"):
                p["inproc_engine_s"] = j["engine_cpu_s"]
        if cli and e <= cli_top:
            db = os.path.join(WORK, f"scale-{n}.sqlite")
            if os.path.exists(db):
                os.unlink(db)
            t0 = time.perf_counter()
            subprocess.run([cli, "demo", "--rows", str(n), "--seed", str(SEED), "--db", db, "--no-score", "--quiet"],
                           check=True)
            p["sqlite_gen_s"] = time.perf_counter() - t0
            try:
                runs = [run_measured_cpu([cli, "score", db, "--quiet", "--format", "csv"]) for _ in range(reps)]
                wall, cpu, rss, _ = median_of(runs, key=lambda r: r[1] if r[1] is not None else r[0])
                p.update(sqlite_s=cpu if cpu is not None else wall, sqlite_wall_s=wall,
                         sqlite_rss_mb=rss / 1024 if rss else None)
            finally:
                os.unlink(db)
        if pgbin and cli and e <= pg_top:
            pg = E.Postgres(pgbin)
            try:
                pg.start()
                subprocess.run([cli, "demo", "--rows", str(n), "--seed", str(SEED), "--db", cli_url(pg), "--no-score",
                                "--quiet"], check=True)
                runs = [run_measured_cpu([cli, "score", cli_url(pg), "--quiet", "--format", "csv"])
                        for _ in range(reps)]
                wall, _, rss, _ = median_of(runs, key=lambda r: r[0])
                p.update(postgres_s=wall, postgres_rss_mb=rss / 1024 if rss else None)
                if create_extension(pg).returncode == 0:
                    runs = [psql_timed(pg, "\\o /dev/null\nSELECT count(*) FROM "
                                           "givetake.score_accounts('interactions');\n") for _ in range(reps)]
                    secs, rss, _ = median_of(runs, key=lambda r: r[0])
                    p.update(extension_s=secs, extension_rss_mb=rss / 1024 if rss else None)
            finally:
                pg.stop()
        log(f"scale {n}: " + ", ".join(f"{k}={v:.3g}" for k, v in p.items() if isinstance(v, float)))
        points.append(p)
    doc = {"machine": machine(), "points": points, "linearity": linearity(points)}
    json.dump(doc, open(os.path.join(RESULTS, "scale.json"), "w"), indent=1)
    write_scale_md(doc)
    scale_chart(doc)
    log("wrote bench/results/scale.md, scale.json, scale.png")
    return 0


def repeats(rows: int) -> int:
    """Runs per size: the small sizes take tens of milliseconds, where one
    run's noise would decide the first steps of the linearity test."""
    return 5 if rows <= 100_000 else 3 if rows <= 1_000_000 else 1


def median_of(runs, key):
    """The run with the median `key` (the upper one of an even count)."""
    return sorted(runs, key=key)[len(runs) // 2]


# (key, name, clock): the in-process and SQLite paths are timed in CPU
# seconds of their one process (steady on a shared machine); the
# PostgreSQL paths in wall seconds (the work is split between processes).
PATHS = (("inproc", "GiveTake in-process", "CPU"), ("sqlite", "givetake score, SQLite", "CPU"),
         ("postgres", "givetake score, PostgreSQL", "wall"), ("extension", "PostgreSQL extension", "wall"))
# Linear: every step's time per added row within this of the last step's.
LINEAR_TOLERANCE = 0.15


def linearity(points):
    """Per path: the time per row added between consecutive sizes
    ((t2 - t1) / (n2 - n1), which leaves out the fixed start-up cost),
    each step's deviation from the last step's, and the fixed start-up cost
    that a straight line through the first step puts at zero rows."""
    out = {}
    for key, _, _ in PATHS:
        pts = [(p["rows"], p[f"{key}_s"]) for p in points if p.get(f"{key}_s")]
        if len(pts) < 2:
            continue
        steps = [((n2 - n1) and (t2 - t1) / (n2 - n1), n1, n2) for (n1, t1), (n2, t2) in zip(pts, pts[1:])]
        last = steps[-1][0]
        if last <= 0:
            continue
        (n_first, t_first), first = pts[0], steps[0][0]
        out[key] = {
            "steps": [{"from": n1, "to": n2, "ns_per_row": m * 1e9, "deviation": m / last - 1} for m, n1, n2 in steps],
            "max_deviation": max(abs(m / last - 1) for m, _, _ in steps),
            "fixed_s": t_first - first * n_first,
        }
    return out


def write_scale_md(doc) -> None:
    m = doc["machine"]
    lin = doc["linearity"]
    L = ["# GiveTake scaling run", "", f"{m['date']}; {m['cpu']}, {m['cores']} cores; commit {m['commit']}.", "",
         "| rows | " + " | ".join(f"{name} ({clock}) | ns/row | RSS" for _, name, clock in PATHS) + " |",
         "|---:|" + "---:|---:|---:|" * len(PATHS)]
    for p in doc["points"]:
        cells = []
        for key, _, _ in PATHS:
            s, r = p.get(f"{key}_s"), p.get(f"{key}_rss_mb")
            cells += [f"{s:.3f} s" if s else "–", f"{s * 1e9 / p['rows']:.0f}" if s else "–",
                      f"{r:.0f} MB" if r else "–"]
        L.append(f"| {p['rows']:,} | " + " | ".join(cells) + " |")
    engine = [p for p in doc["points"] if p.get("inproc_engine_s")]
    if engine:
        L += ["", "In-process, the CPU time inside the gt_* calls alone (the same runs, without the generator's "
              "and the bench's own time): " + "; ".join(
                  f"{p['rows']:,} rows {p['inproc_engine_s']:.3f} s ({p['rows'] / p['inproc_engine_s'] / 1e6:.2f} M rows/CPU-s)"
                  for p in engine) + "."]
    L += ["", "Time per row added between consecutive sizes, (t2 − t1) / (n2 − n1): constant when the time is "
          f"linear (a fixed start-up cost drops out). Linear here means every step within ±{LINEAR_TOLERANCE:.0%} "
          "of the last step.", ""]
    for key, name, clock in PATHS:
        if key not in lin:
            continue
        x = lin[key]
        steps = ", ".join(f"10^{len(str(s['from'])) - 1}→10^{len(str(s['to'])) - 1}: {s['ns_per_row']:.0f} ns "
                          f"({s['deviation']:+.0%})" for s in x["steps"])
        verdict = "linear" if x["max_deviation"] <= LINEAR_TOLERANCE else "not within the tolerance"
        L.append(f"- {name} ({clock}): {steps}; fixed cost {x['fixed_s'] * 1e3:.0f} ms — {verdict}")
    L += ["", "In-process: gtbench generates the rows on the fly (their generation is inside its time) and scores "
          "them in groups of accounts of at most 50,000 rows (the recipe of givetake.h). CLI: `givetake demo` writes the data (not "
          "timed), `givetake score` with its default memory bound. RSS: peak of the measured process (the "
          "extension: the PostgreSQL backend). CPU: user + system seconds of the process; wall: elapsed "
          "seconds (client and server). Each path's time is the median of five runs up to 10^5 rows and of three at "
          "10^6 (one run's noise would decide the first steps), one run above.", ""]
    open(os.path.join(RESULTS, "scale.md"), "w").write("\n".join(L))


def scale_chart(doc) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 5))
    for key, name, _ in PATHS:
        pts = [(p["rows"], p.get(f"{key}_s"), p.get(f"{key}_rss_mb")) for p in doc["points"] if p.get(f"{key}_s")]
        if not pts:
            continue
        a1.plot([x for x, _, _ in pts], [t for _, t, _ in pts], "o-", label=name)
        a2.plot([x for x, _, r in pts if r], [r for _, _, r in pts if r], "o-", label=name)
    for ax, yl, title in ((a1, "seconds (in-process, SQLite: CPU; PostgreSQL: wall)", "Time"), (a2, "peak RSS, MB", "Memory")):
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
