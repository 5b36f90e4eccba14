#!/usr/bin/env python3
"""Text-by-text agreement of the plain-SQL classification (bench/sql/*/
00_lexicon.sql + 10_classify.sql) with GiveTake's C ABI (gt_classify_batch).

Corpora: the 16,000 real inbound tweets of shared/data/twcs_spotify_requests.csv,
the outbound bodies of a synthetic data set, generated edge cases
(boundaries, negation windows, numbers, apostrophes, non-ASCII), and
generated sentence starts for the "<start> phrase" cues (openers from
OPENERS before the lexicon's start phrases and the word cues they overlap).

Compared per text: give score, take score, label, we-words, you-words and
appreciative. Exit 1 on any disagreement, printing the texts, except on
texts with a part that is not prose (an @handle, an e-mail address, a
link, an agent's closing signature): GiveTake finds no cue there and the
plain SQL does, so those are counted and shown apart.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import engines as E  # noqa: E402
import gtlib  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import lexicon as L  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TWCS = os.path.join(os.path.dirname(ROOT), "shared", "data", "twcs_spotify_requests.csv")


def twcs_texts(path=TWCS) -> list[str]:
    if not os.path.exists(path):
        alt = os.path.join(ROOT, "..", "..", "shared", "data", "twcs_spotify_requests.csv")
        path = alt if os.path.exists(alt) else path
    with open(path, newline="", encoding="utf-8") as f:
        return [r["text"] for r in csv.DictReader(f) if r.get("text")]


def synthetic_texts(rows=20000) -> list[str]:
    import gen_data
    out = gen_data.Gen(rows, 7).run()
    return sorted({r[11] for r in out if r[11] is not None})


PIECES = ["no", "not", "never", "without", "none", "nothing", "sale", "Sale", "SALE", "buy", "buy now", "shop",
          "shop now", "how to", "how  to", "here's how", "here’s how", "don't miss", "don’t miss", "#1", "#sale",
          "% off", "20% off", "12.5%off", "1,000.50% off", "$19.99", "$5.", "$5.5a", "€5", "x€5", "£10", "¥300",
          "a.5% off", "v1.2% off", ".5% off", "free shipping", "shipping", "our new", "we", "we're", "we’re",
          "we’d", "you", "your", "yours", "ours", "us", "US", "thanks", "thx", "good catch", "great point",
          "appreciate", "grateful", "Kudos", "via @", "h/t", "step-by-step", "shout-out", "ſale", "salé", "é",
          "🙂", "deal", "deals", "a", "great", "the", "price", "prices", "pricing", "1", "2.0", "...", ",", ".",
          "-", "'", "’", "@brand", "https://t.co/x", "sale2", "2sale", "tip", "tips", "faq", "FAQ", "learn",
          "purchase", "no purchase necessary", "#1bestselling", "not a great deal",
          # structural cues and the phrases around them
          "@sam_k", "@x", "a@b.com", "_@y", "?", "you?", "your", "1. Open", "2) tap", "12. Go", "3.a", "1.5",
          "www.x.com", "x.com", "http://t.co", ".io", "co.uk", "94%", "5 % off", "7%off", "3%offer", "a.5%",
          "#tag", "#1", "!", "2 for 1", "5-star", "15-star", "tip:", "tip", "myth:", "myth", "\t"]
SEPS = [" ", " ", " ", "", ", ", ". ", "!", "\n", "  ", "-", "/", "#", "'", "’", "é", "🙂", "$", "%", "."]


def fuzz_texts(n=20000, seed=3) -> list[str]:
    r = random.Random(seed)
    out = []
    for _ in range(n):
        k = r.randrange(1, 10)
        out.append("".join(r.choice(PIECES) + r.choice(SEPS) for _ in range(k)).strip())
    return out


# Where a sentence opens (or seems to): the text start, '.', '!', '?', an
# emoji or a symbol and white space, a line break, a reply's @handles; and
# places that are no sentence start: mid-sentence, no space after '.', a
# letter, a variation selector or '\r' alone before the space, a mention.
OPENERS = ["", " ", "  ", "\n", "\t", ". ", ".  ", "! ", "? ", "!\n", "?!\n\n", ".\t", "\r\n", " \r ", "\r",
           "Done.", "Done. ", "ok, ", "worth a ", ": ", "; ", "... ", ") ", "\"", "'", "’", "- ", "#",
           " \U0001F389 ", "\U0001F389 ", "\U0001F389", "☀ ", "✅\n", "❤️ ", "✨ ", "é ", "caf\u00e9 ", "x ",
           "@sam_k ", "@a, @b ", "@a,@b\n", "@a. ", "@a\U0001F389 ", "hi @sam ", "@", "@ ", ", ", "_@y ", "1. ",
           "https://t.co/x ", "$5. ", "20% off. ", "not ", "no. ", "never ", "\u00a0"]


def start_pieces() -> tuple[list[str], list[str]]:
    """Phrases of the lexicon's sentence-start cues in several cases and
    both apostrophes, glued to letters (whole words only), the word cues
    that begin with one (both count), and filler; the first list is tried
    after every opener."""
    entries = L.default_lexicon()
    starts = [p for p, _, _ in L.start_cues(entries)] or ["try", "we're"]
    words = [p for p, _, _ in L.cues_and_negations(entries)[0] if not p.startswith("<")]
    r = random.Random(11)
    pick = starts if len(starts) <= 60 else r.sample(starts, 60)
    forms = []
    for s in pick:
        forms += [s, s.capitalize(), s.upper(), s + "s", "x" + s, s.replace("'", "’")]
    first = {s.split(" ")[0] for s in starts}
    overlaps = [w for w in words if w.split(" ")[0] in first and w not in first]
    apostrophes = [s for s in starts if "'" in s]
    apostrophes += [s.replace("'", "’").capitalize() for s in apostrophes]
    every = forms[:36] + overlaps[:8] + apostrophes[:4] + apostrophes[-4:]
    return every, forms + overlaps[:80] + apostrophes + ["it", "the app", "thanks", "you", "we", "sale", "20% off"]


def start_texts(n=3000, seed=5) -> list[str]:
    """Sentence-start cases: every opener before the first pieces, then
    random sequences of opener + piece."""
    r = random.Random(seed)
    every, pieces = start_pieces()
    out = [o + p + " it" for p in every for o in OPENERS]
    for _ in range(n):
        k = r.randrange(1, 5)
        out.append("".join(r.choice(OPENERS) + r.choice(pieces) + r.choice(["", " ", " it", " now"])
                           for _ in range(k)))
    return out


def reference(gt, texts):
    res = gt.classify_batch([t.encode() for t in texts])
    return [(c.give_score, c.take_score, ("neutral", "give", "take")[c.label], c.we_words, c.you_words,
             bool(c.appreciative)) for c in res]


def run_engine(engine: str, texts: list[str], pg=None):
    rows = list(enumerate(texts))
    setup = "".join(E.read_sql(p) + "\n" for p in E.sql_files(engine))
    select = "SELECT id, give_score, take_score, label, we_words, you_words, appreciative FROM gt_class ORDER BY id;"
    if engine == "sqlite":
        con = E.sqlite_connect(":memory:")
        con.execute("CREATE TEMP TABLE gt_texts (id INTEGER PRIMARY KEY, body TEXT)")
        con.executemany("INSERT INTO gt_texts VALUES (?, ?)", rows)
        _, out = E.sqlite_run(con, setup + select)
    elif engine == "duckdb":
        con = E.duckdb_connect()
        con.execute("CREATE TEMP TABLE gt_texts (id BIGINT, body VARCHAR)")
        con.executemany("INSERT INTO gt_texts VALUES (?, ?)", rows)
        _, out = E.duckdb_run(con, setup + select)
    else:
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            for i, t in rows:
                w.writerow([i, t])
            path = f.name
        os.chmod(path, 0o644)
        load = ("DROP TABLE IF EXISTS gt_texts; CREATE TEMP TABLE gt_texts (id bigint PRIMARY KEY, body text);\n"
                f"\\copy gt_texts FROM '{path}' WITH (FORMAT csv)\n")
        _, out = pg.run(load + setup + select)
        os.unlink(path)
        out = [(int(a), float(b), float(c), d, int(e), int(f_), g == "t") for a, b, c, d, e, f_, g in out]
    return [(float(g), float(t), lab, int(we), int(you), bool(ap)) for _, g, t, lab, we, you, ap in out]


def same(a, b) -> bool:
    """Scores to 1e-9 (a sum's last bits depend on the order SQL adds the
    weights in), everything else exactly."""
    return abs(a[0] - b[0]) < 1e-9 and abs(a[1] - b[1]) < 1e-9 and a[2:] == b[2:]


def compare(name, texts, ref, got, show=8) -> int:
    """Disagreements, less those on texts where GiveTake skips a part that
    is not prose (a handle, an address, a link, a closing signature: the
    plain SQL still finds cues there; counted and shown apart)."""
    bad = [i for i in range(len(texts)) if not same(ref[i], got[i])]
    known = [i for i in bad if L.has_non_prose(texts[i])]
    bad = [i for i in bad if i not in set(known)]
    print(f"  {name}: {len(texts) - len(bad) - len(known)}/{len(texts)} texts agree; "
          f"{len(known)} differ where GiveTake skips a handle, link or signature")
    for i in known[:2]:
        print(f"    (known) text {i}: {texts[i]!r}\n      givetake {ref[i]}\n      sql      {got[i]}")
    for i in bad[:show]:
        print(f"    text {i}: {texts[i]!r}\n      givetake {ref[i]}\n      sql      {got[i]}")
    return len(bad)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="postgres,sqlite,duckdb")
    ap.add_argument("--quick", action="store_true", help="2,000 texts per corpus")
    a = ap.parse_args(argv)
    gt, why = gtlib.load()
    if gt is None:
        print(f"check_classify: GiveTake library not available yet: {why}")
        return 2
    corpora = {"twcs_spotify": twcs_texts(), "synthetic": synthetic_texts(), "edge_cases": fuzz_texts(),
               "sentence_starts": start_texts()}
    if a.quick:
        corpora = {k: v[:2000] for k, v in corpora.items()}
    engines = [e for e in a.engines.split(",") if e]
    pg = E.Postgres().start() if "postgres" in engines else None
    failures = 0
    try:
        for cname, texts in corpora.items():
            print(f"{cname}: {len(texts)} texts")
            ref = reference(gt, texts)
            for eng in engines:
                failures += compare(eng, texts, ref, run_engine(eng, texts, pg))
    finally:
        if pg:
            pg.stop()
    if failures:
        print(f"FAIL: {failures} disagreements between the plain SQL and GiveTake")
        return 1
    print("OK: the plain SQL classifies every text exactly as GiveTake")
    return 0


if __name__ == "__main__":
    sys.exit(main())
