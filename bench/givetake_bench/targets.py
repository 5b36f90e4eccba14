"""The figures judged: the project's performance targets, and the floors
of bench/Thresholds/harness.json (possible regressions)."""
from __future__ import annotations

import json
import os

from .common import BENCH
from .measure import fmt_rate


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
