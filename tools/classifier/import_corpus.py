#!/usr/bin/env python3
"""Brings the writers' JSON-lines files into data/classifier/posts.jsonl.

    import_corpus.py WRITER.jsonl [WRITER.jsonl ...] [--out data/classifier/posts.jsonl]

Keeps {text, label, channel, industry, type}, adds `source` (the file's
stem) and `split`. Drops exact duplicates (case and punctuation folded),
near duplicates (word-trigram Jaccard similarity >= 0.7 with an earlier
post: the same post with a word or an emoji changed) and rows with an
unknown label. The split is a function of the text alone:
SHA-256 of the UTF-8 text, first 8 bytes as an integer, mod 100: < 70 train,
< 85 dev, else test. So a post keeps its split however the files grow, and
re-running on the finished files reproduces the same assignment.
"""
import argparse
import hashlib
import json
import os
import re
import sys

LABELS = ("give", "take", "neutral")


def split_of(text: str) -> str:
    h = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") % 100
    return "train" if h < 70 else "dev" if h < 85 else "test"


def fold(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def trigrams(text: str) -> frozenset:
    w = fold(text).split()
    return frozenset(zip(w, w[1:], w[2:])) if len(w) > 2 else frozenset([tuple(w)])


class NearDuplicates:
    """Finds an earlier post sharing >= `threshold` of word trigrams."""

    def __init__(self, threshold=0.7):
        self.threshold, self.grams, self.index = threshold, [], {}

    def seen(self, text: str) -> bool:
        g = trigrams(text)
        shared = {}
        for t in g:
            for j in self.index.get(t, ()):
                shared[j] = shared.get(j, 0) + 1
        if any(c / len(g | self.grams[j]) >= self.threshold for j, c in shared.items()):
            return True
        for t in g:
            self.index.setdefault(t, []).append(len(self.grams))
        self.grams.append(g)
        return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "data", "classifier",
                                                  "posts.jsonl"))
    a = ap.parse_args()
    seen, near, rows, dropped = set(), NearDuplicates(), [], 0
    for path in a.files:
        source = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    print(f"{path}:{n}: skipped, not JSON ({e})", file=sys.stderr)
                    dropped += 1
                    continue
                text = (r.get("text") or "").strip()
                if r.get("label") not in LABELS or not text or fold(text) in seen:
                    dropped += 1
                    continue
                if near.seen(text):
                    print(f"{path}:{n}: skipped, near duplicate of an earlier post", file=sys.stderr)
                    dropped += 1
                    continue
                seen.add(fold(text))
                rows.append({"text": text, "label": r["label"], "channel": r.get("channel", ""),
                             "industry": r.get("industry", ""), "type": r.get("type", ""),
                             "source": source, "split": split_of(text)})
    with open(a.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {}
    for r in rows:
        counts[(r["split"], r["label"])] = counts.get((r["split"], r["label"]), 0) + 1
    print(f"{len(rows)} posts written to {a.out} ({dropped} dropped)")
    for s in ("train", "dev", "test"):
        print(s, {l: counts.get((s, l), 0) for l in LABELS})
    return 0


if __name__ == "__main__":
    sys.exit(main())
