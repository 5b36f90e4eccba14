#!/usr/bin/env python3
"""Scores a lexicon on data/classifier/posts.jsonl through libgivetake.

    evaluate.py [--lexicon FILE] [--split test] [--json]

Default: the library's built-in lexicon on every split. Prints accuracy,
macro-F1, per-class precision/recall and the confusion matrix (rows: gold
label, columns: predicted).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from engine import Engine  # noqa: E402
from train import load_posts, metrics  # noqa: E402

LABELS = ("give", "take", "neutral")


def report(name, m):
    print(f"{name}: n={m['n']} accuracy {m['accuracy']:.3f} macro-F1 {m['macro_f1']:.3f}")
    for l in LABELS:
        print(f"  {l:8s} precision {m[l]['precision']:.3f} recall {m[l]['recall']:.3f} F1 {m[l]['f1']:.3f}")
    print("  gold \\ predicted  " + "  ".join(f"{l:>7s}" for l in LABELS))
    for g in LABELS:
        print(f"  {g:17s}  " + "  ".join(f"{m['confusion'][g][p]:7d}" for p in LABELS))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lexicon", help="a lexicon file; default: the built-in lexicon")
    ap.add_argument("--split", action="append", choices=("train", "dev", "test"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    engine = Engine()
    lex = engine.lexicon(open(a.lexicon, encoding="utf-8").read()) if a.lexicon else None
    out = {}
    for split in a.split or ("train", "dev", "test"):
        posts = load_posts((split,))
        pred = [r[0] for r in engine.classify(lex, [p["text"].encode("utf-8") for p in posts])]
        out[split] = metrics([p["label"] for p in posts], pred)
    if a.json:
        print(json.dumps(out, indent=1))
    else:
        for split, m in out.items():
            report(split, m)


if __name__ == "__main__":
    main()
