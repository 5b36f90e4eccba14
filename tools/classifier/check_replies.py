#!/usr/bin/env python3
"""Scores a lexicon on the hand-labelled real support replies
(data/classifier/twcs_replies.jsonl): a check on real data, never used to
fit or tune the lexicon.

    check_replies.py [--lexicon FILE] [--show]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from engine import Engine  # noqa: E402
from evaluate import report  # noqa: E402
from train import DATA, metrics  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lexicon", help="a lexicon file; default: the built-in lexicon")
    ap.add_argument("--show", action="store_true", help="list the replies it gets wrong")
    a = ap.parse_args()
    with open(os.path.join(DATA, "twcs_replies.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(l) for l in f if l.strip()]
    engine = Engine()
    lex = engine.lexicon(open(a.lexicon, encoding="utf-8").read()) if a.lexicon else None
    pred = [r[0] for r in engine.classify(lex, [r["text"].encode("utf-8") for r in rows])]
    report("twcs replies", metrics([r["label"] for r in rows], pred))
    if a.show:
        for r, p in zip(rows, pred):
            if p != r["label"]:
                print(f"  {r['label']:>7s} -> {p:7s} {r['text']}")


if __name__ == "__main__":
    main()
