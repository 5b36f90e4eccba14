"""The side-by-side report: bench/results/latest.{json,md,png}."""
from __future__ import annotations

import json
import os

from .common import RESULTS, log
from .machine import machine
from .measure import fmt_rate
from .targets import regression_check, targets


def finish(args, data, res, agreement, ctx) -> int:
    m = machine()
    ref = next((r for r in res if r.get("reference") and r["group"] == "score"), None)
    cref = next((r for r in res if r.get("reference") and r["group"] == "classify"), None)
    for r in res:
        base = cref if r["group"] == "classify" else ref
        if base and r["group"] in ("score", "classify") and r.get("seconds") and base.get("seconds"):
            r["ratio"] = (base["rate"] / r["rate"]) if r["group"] == "classify" else r["seconds"] / base["seconds"]
    scale = None
    sp = os.path.join(RESULTS, "scale.json")
    if os.path.exists(sp):
        scale = json.load(open(sp))
    tg = targets(res, ctx, scale)
    regressions = regression_check(res, ctx)
    void = [r["tool"] for r in res if r.get("agree") is False]
    doc = {"machine": m, "data": {k: v for k, v in data.items() if k in ("rows", "text_bytes", "source", "seed")},
           "results": res, "agreement": agreement, "targets": tg, "calls": ctx.get("calls"), "void": void,
           "regressions": regressions}
    os.makedirs(RESULTS, exist_ok=True)
    json.dump(doc, open(os.path.join(RESULTS, "latest.json"), "w"), indent=1, default=str)
    write_md(doc)
    chart(doc)
    log("wrote bench/results/latest.md, latest.json, latest.png")
    if void:
        log("FAIL: answers differ from GiveTake's, these comparisons are VOID: " + ", ".join(void))
        return 1
    return 0


def write_md(doc) -> None:
    m, d = doc["machine"], doc["data"]
    L = [f"# GiveTake benchmark — {d['rows']:,} rows", "",
         f"{m['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_mb']:,} MB; commit {m['commit']}; "
         f"data: {d['source']} --rows {d['rows']} --seed {d['seed']} ({d['text_bytes'] / 1e6:.1f} MB of text).", "",
         "Ratio: time ÷ GiveTake in-process time (scoring), GiveTake MB/s ÷ tool MB/s (classification); "
         "higher = GiveTake faster. Peak RSS: the measured process (see notes). "
         "Answers: the tool's account rows equal GiveTake's (counts exact, percentiles within 1 %/1 s).", ""]
    for group, title in (("score", "Scoring: same data, same answers"), ("sqlfn", "SQL function cost"),
                         ("classify", "Classification alone (same corpus)")):
        rows = [r for r in doc["results"] if r["group"] == group]
        if not rows:
            continue
        L += [f"## {title}", "", "| tool | what | time | rows/s or MB/s | ratio | peak RSS | answers | notes |",
              "|---|---|---:|---:|---:|---:|---|---|"]
        for r in rows:
            if not r["available"]:
                L.append(f"| {r['tool']} | {r['what']} | – | – | – | – | – | {r['note']} |")
                continue
            ratio = f"{r['ratio']:,.1f}×" if r.get("ratio") else "–"
            rss = f"{r['rss_mb']:,.0f} MB" if r.get("rss_mb") else "–"
            ans = {True: "same", False: "**DIFFERENT: VOID**", None: "–"}[r.get("agree")]
            extra = f"{r['texts_per_s']:,.0f} texts/s; " if r.get("texts_per_s") else ""
            L.append(f"| {r['tool']} | {r['what']} | {r['seconds']:.3f} s | {fmt_rate(r)} | {ratio} | {rss} | {ans} "
                     f"| {extra}{r['note']} |")
        L.append("")
    c = doc.get("calls")
    if c:
        L += ["## C ABI", "", f"- call overhead (gt_version_number): {c['version_ns']:.1f} ns",
              f"- gt_classify on a 2-byte text: {c['classify_2b_ns']:.0f} ns; on a {c['post_bytes']}-byte post: "
              f"{c['classify_post_ns']:.0f} ns", f"- lexicon build (gt_lexicon_new, built-in): {c['lexicon_build_us']:.0f} µs", ""]
    if doc["targets"]:
        L += ["## Targets", "", "| target | measured | met | basis |", "|---|---:|---|---|"]
        for t in doc["targets"]:
            L.append(f"| {t['target']} | {t['value']} | {'yes' if t['met'] else '**no**'} | {t['detail']} |")
        L.append("")
    L += ["## Regression check (bench/Thresholds/harness.json)", ""]
    L += [f"- possible regression: {x}" for x in doc["regressions"]] or ["- every figure is at or above its floor"]
    L.append("")
    if doc["void"]:
        L += ["## VOID", "", "These tools gave different answers, so their timings compare nothing:", ""]
        for name in doc["void"]:
            L.append(f"- {name}")
        L.append("")
    v = m["versions"]
    L += ["## Versions", "", ", ".join(f"{k} {val}" for k, val in v.items() if val), ""]
    open(os.path.join(RESULTS, "latest.md"), "w").write("\n".join(L))


def chart(doc, path=None) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib missing: no chart")
        return
    score = [r for r in doc["results"] if r["group"] == "score" and r["available"] and r.get("rate")]
    cls = [r for r in doc["results"] if r["group"] == "classify" and r["available"] and r.get("rate")]
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
    for ax, rows, unit, title in ((axes[0], score, "rows/s", "Scoring (higher is better)"),
                                  (axes[1], cls, "MB/s", "Classification (higher is better)")):
        rows = sorted(rows, key=lambda r: r["rate"])
        names = [r["tool"] for r in rows]
        colors = ["#d62728" if r.get("agree") is False else "#2ca02c" if "GiveTake" in r["tool"] or "givetake" in r["tool"]
                  else "#7f7f7f" for r in rows]
        ax.barh(names, [r["rate"] for r in rows], color=colors)
        ax.set_xscale("log")
        ax.set_xlabel(unit + " (log scale)")
        ax.set_title(title)
        for i, r in enumerate(rows):
            ax.text(r["rate"], i, f" {r['rate']:,.3g}", va="center", fontsize=8)
    d = doc["data"]
    fig.suptitle(f"GiveTake vs alternatives — {d['rows']:,} rows, {doc['machine']['cpu']}, "
                 f"{doc['machine']['cores']} cores, {doc['machine']['date']}")
    fig.tight_layout()
    fig.savefig(path or os.path.join(RESULTS, "latest.png"), dpi=110)
    plt.close(fig)
