#!/usr/bin/env python3
"""Leave-one-writer-out cross-validation of the lexicon recipe.

    crossval.py [--set name=python-literal ...]

For each writer of the corpus, fits the lexicon (train.py's recipe and
hyper-parameters) on the train + dev posts of every other writer and scores
it on that writer's train + dev posts; prints the pooled figures and the
accuracy per held-out writer. A writer's posts share wording a random split
cannot hide, so this is the estimate of how the lexicon does on posts by
people who wrote none of the corpus. The test split is never read.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from engine import Engine  # noqa: E402
from evaluate import report  # noqa: E402
import train as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", default=[], help="hyper-parameter override, name=python-literal")
    a = ap.parse_args()
    hp = dict(T.HYPER)
    for s in a.set:
        k, v = s.split("=", 1)
        hp[k] = eval(v)  # a developer's command-line override
    engine = Engine()
    curated = T.load_curated()
    posts = T.load_posts(("train", "dev"))
    gold, pred = [], []
    for writer in sorted({p["source"] for p in posts}):
        fit_on = [p for p in posts if p["source"] != writer]
        held = [p for p in posts if p["source"] == writer]
        phrases, w, cats = T.train(engine, fit_on, curated, hp, log=lambda m: None)
        lex = engine.lexicon(T.render_lexicon(phrases, w, cats, len(fit_on)))
        labels = [r[0] for r in engine.classify(lex, [p["text"].encode("utf-8") for p in held])]
        engine.free(lex)
        m = T.metrics([p["label"] for p in held], labels)
        print(f"{writer}: n={m['n']} accuracy {m['accuracy']:.3f} ({len(phrases)} cues)", flush=True)
        gold += [p["label"] for p in held]
        pred += labels
    report("leave-one-writer-out", T.metrics(gold, pred))


if __name__ == "__main__":
    main()
