"""Classification alone, on the data set's bodies: GiveTake (C ABI and
Python) against Hyperscan (from C and Python), Aho-Corasick, Python re,
VADER and a plain byte scan."""
from __future__ import annotations

import json
import os
import sys

from .build import build_hsbench
from .common import PY, WORK
from .measure import row, run_measured, unavailable


def run_classification(args, db, gtb, res) -> None:
    # classification alone, on the same corpus (the data set's bodies)
    limit = args.classify_texts
    if gtb:
        _, rss, o = run_measured([gtb, "classify", db, "--max", str(limit)])
        j = json.loads(o)
        res.append(row("GiveTake classify (C ABI batch)", f"{j['texts']} texts", j["best_s"], j["mb_per_s"], "MB/s",
                       rss_kb=rss, group="classify", texts_per_s=j["texts_per_s"], reference=True,
                       note="best of 5; full rules (boundaries, overlaps, negation, pronouns)"))
        _, rss, o = run_measured([sys.executable, os.path.join(PY, "pyscore.py"), "classify", db, str(limit)])
        j = json.loads(o)
        res.append(row("GiveTake Python, classify_many(list of str)", f"{j['texts']} texts", j["seconds"],
                       j["mb_per_s"], "MB/s", rss_kb=rss, group="classify", texts_per_s=j["texts_per_s"],
                       note="best of 5; str -> UTF-8 buffer + offsets, then gt_classify_batch"))
    # Hyperscan from C: the same expressions, a counting C callback
    hsb = build_hsbench()
    if hsb:
        pats = os.path.join(WORK, "hs-patterns.txt")
        run_measured([sys.executable, os.path.join(PY, "tool.py"), "hs-patterns", pats])
        _, rss, o = run_measured([hsb, pats, db, str(limit)])
        j = json.loads(o)
        note = f"Hyperscan {j['hyperscan'].split()[0]} from C; {j['patterns']} caseless expressions; matching only"
        res.append(row("Hyperscan, one buffer", f"{j['texts']} texts", j["buffer_s"], j["buffer_mb_per_s"], "MB/s",
                       rss_kb=rss, group="classify", texts_per_s=j["texts"] / j["buffer_s"],
                       note=note + "; best of 5"))
        res.append(row("Hyperscan, per text", f"{j['texts']} texts", j["per_text_s"], j["per_text_mb_per_s"], "MB/s",
                       rss_kb=rss, group="classify", texts_per_s=j["per_text_texts_per_s"],
                       note=note + "; hs_scan per text; best of 5"))
    else:
        for label in ("Hyperscan, one buffer", "Hyperscan, per text"):
            res.append(unavailable(label, "", "libhyperscan-dev not installed", group="classify"))
    tools = [("hyperscan-buffer", "Hyperscan from Python, one buffer", limit,
              "python-hyperscan, same expressions; matching only"),
             ("hyperscan", "Hyperscan from Python, per text", limit, "a Python callback per match; matching only"),
             ("aho", "pyahocorasick, per text", limit, "matching only, no boundaries"),
             ("re", "Python re alternation, per text", min(limit, args.slow_texts), "cue regex with lookarounds"),
             ("vader", "VADER polarity_scores, per text", min(limit, args.slow_texts), "sentiment lexicon tool"),
             ("bytescan", "plain byte scan (bytes.count)", limit, "memory-speed floor")]
    for name, label, lim, note in tools:
        try:
            _, rss, o = run_measured([sys.executable, os.path.join(PY, "tool.py"), "classify", name, db, str(lim)])
            j = json.loads(o)
            res.append(row(label, f"{j['texts']} texts", j["seconds"], j["mb_per_s"], "MB/s", rss_kb=rss,
                           group="classify", texts_per_s=j["texts_per_s"], note=note + "; RSS includes Python"))
        except (RuntimeError, json.JSONDecodeError) as e:
            res.append(unavailable(label, "", str(e)[:200], group="classify"))
