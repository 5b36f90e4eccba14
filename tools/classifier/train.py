#!/usr/bin/env python3
"""Fits the built-in lexicon: per-cue weights of a linear give/take model.

    train.py [--fit-on train|train+dev] [--out-tsv F] [--swift F] [--report F]

The engine's decision rule fixes the model's shape: one score d = give - take
summed over cues, no intercept (a text without cues is neutral), thresholds
at +1 and -1. So we fit w in d = X.w with an all-threshold ordinal logistic
loss, thresholds fixed at +-1:
    give:    softplus(-k (d - 1))
    take:    softplus( k (d + 1))
    neutral: softplus( k (d - 1)) + softplus(-k (d + 1))
with an L2 penalty that pulls each hand-curated cue (curated.tsv) toward a
prior weight of its category's sign and every other cue toward 0 ("routing"
cues, which mark neutral support replies, get a take-side prior: on one axis
that is how a cue offsets generic help words). A cue with w > 0 becomes a
give cue, w < 0 a take cue of weight |w|.

Features are what the engine itself reports: the candidate cues are loaded
into libgivetake as a lexicon and gt_explain lists, per text, the cues that
fired after whole-word matching, leftmost-longest selection and the negation
window. Pruning changes which cues win overlaps, so extraction and fitting
alternate a few rounds. Candidates: the curated cues, the structural
patterns (<reply>, <question_to_you>, ...) and word 1-3-grams seen in enough
training posts (by at least `min_writers` writers). Hyper-parameters were
chosen on the dev split and by leave-one-writer-out cross-validation
(crossval.py); the test split is never read here.
"""
import argparse
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(__file__))
from engine import ROOT, Engine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, "data", "classifier")
GIVE_CATS = ("teaching", "helping", "crediting", "inviting", "responsibility", "give")
TAKE_CATS = ("selling", "self_promotion", "take")
NEGATIONS = ("no", "not", "never", "without", "none")
# Cues about a post's shape (StructuralCues.swift) and the number patterns.
PATTERNS = ("<reply>", "<mention>", "<question_to_you>", "<question>", "<step>", "<link>", "<percent>",
            "<exclamation>", "<hashtag>", "<percent_off>", "<money>")
# Left out of the built-in lexicon (users may still add them): "!" and a bare
# "?" fire on most short texts, cost a report each and carry little weight.
OMIT_PATTERNS = ("<exclamation>", "<question>")
# Structural cues are language-neutral: together they must stay below the
# decision margin on each side, so a text with no English cue stays neutral
# (currency amounts and "% off" are take cues in any language, as before).
STRUCTURAL = PATTERNS[:-2]
NEUTRAL_CAP = 0.9
PATTERN_CAP = 0.6
# Post types of the labelling guide -> the category a give or take cue gets
# when it is learned rather than curated (by where it fires most).
TYPE_CATEGORY = [
    (r"support|outage-with|how-to-help|fix", "helping"),
    (r"credit|shout|thanks|volunteer|partner|resource|share", "crediting"),
    (r"question|community|poll|invite", "inviting"),
    (r"safety|scam|public|responsib|free-no|recycl|repair|warning", "responsibility"),
    (r"tip|explain|myth|checklist|guide|knowledge|recipe|study|how-to|teach|free-resource", "teaching"),
    (r"milestone|award|ranking|press|self-promo|brag|growth|launch-brag", "self_promotion"),
]
STOP = set("a an the and or of to in on at by as is are was were be been it its".split())
# Function words: frequent in every kind of post, so as single-word cues
# they carry little weight while costing the scan a hit in most texts (the
# pronoun counts already see "we" and "you"). Learned unigrams skip them;
# phrases that contain them ("you can", "how to") and curated cues stay.
FUNCTION = set("""i me my mine we us our ours you your yours he him his she her they them their theirs
this that these those there here what which when where who whom whose why how
do does did done doing have has had having will would can could should may might must shall am
for with from up down out off about into onto over under since until after before than then
too so very just also only even still yet again more most much many some any all each every
if but because while though although up's it's that's there's here's what's let's
one two get got go going make made""".split())

LINKS = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\w.-]+\.(?:com|org|net|io|co|uk|gov|nhs|ly|de|jp)\b\S*")
HANDLES_LINKS = re.compile(r"@[\w.]+|" + LINKS.pattern)
TOKEN = re.compile(r"[a-z0-9\u0080-\U0010ffff]+(?:['\-/][a-z0-9\u0080-\U0010ffff]+)*")


def load_posts(splits):
    with open(os.path.join(DATA, "posts.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(l) for l in f if l.strip()]
    return [r for r in rows if r["split"] in splits]


def norm(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def ngrams(text: str, nmax=3):
    """Word n-grams as the engine would match them: tokens separated by
    exactly one space in the text; ASCII only (an English lexicon)."""
    # Handles, links and e-mail addresses are names, not words: no cues
    # from their pieces ("@sam_k" is not the word "sam").
    t = HANDLES_LINKS.sub(" | ", norm(text))
    toks = [(m.start(), m.end()) for m in TOKEN.finditer(t)]
    out = set()
    for i in range(len(toks)):
        for n in range(1, nmax + 1):
            j = i + n - 1
            if j >= len(toks):
                break
            if n > 1 and t[toks[j - 1][1]:toks[j][0]] != " ":
                break
            phrase = t[toks[i][0]:toks[j][1]]
            if not phrase.isascii() or phrase in NEGATIONS or phrase[0] in ".,0123456789":
                continue
            if any(w in NEGATIONS for w in phrase.split(" ")):
                continue  # the negation window handles these words
            words = phrase.split(" ")
            if n == 1 and (phrase in STOP or phrase.isdigit() or len(phrase) < 2
                           or (FUNCTION_UNIGRAMS and phrase in FUNCTION)):
                continue
            if n > 1 and all(w in STOP for w in words):
                continue
            if any(w.isdigit() and len(w) > 2 for w in words):
                continue
            out.add(phrase)
    return out


STRONG = set()
FUNCTION_UNIGRAMS = False  # set from the hyper-parameter "skip_function_words"


def prior_of(phrase, curated, hp):
    if phrase not in curated:
        return 0.0
    size = hp["strong_prior"] if phrase in STRONG else hp["prior"]
    return size if curated[phrase] in GIVE_CATS else -size


def load_curated():
    cur = {}
    with open(os.path.join(HERE, "curated.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if not any(w in NEGATIONS for w in fields[0].split(" ")):
                cur[fields[0]] = fields[1]
                if len(fields) > 2 and fields[2] == "strong":
                    STRONG.add(fields[0])
    return cur


# Where a sentence opens, as StructuralCues.swift `opensSentence` sees it
# (close enough to pick candidates; the engine decides where they fire).
SENTENCE_START = re.compile(
    r"(?:^\s*(?:@\w+[\s,]+)*|\n\s*|[.!?]\s+|[\U0001F000-\U0010FFFF\u2600-\u27BF]\s+)"
    r"([a-z][a-z0-9]*(?:'[a-z]+)?)(?![\w'])(?: ([a-z][a-z0-9]*(?:'[a-z]+)?)(?![\w']))?")
START = "<start> "


def mask_links(text: str) -> str:
    """The corpus's links are invented (example.com/...): fitted as written,
    the words inside them would learn the labels of the posts that carry
    links. Every link becomes one placeholder that no cue matches."""
    return LINKS.sub(LINK_PLACEHOLDER, text)


LINK_PLACEHOLDER = "https://t.co/x"


def sentence_starts(text: str):
    """The words that open a sentence of `text`, as "<start> word" cues
    (never a piece of a link or an address)."""
    out = set()
    for m in SENTENCE_START.finditer(LINKS.sub("|", norm(text))):
        out.add(START + m.group(1))
        if START_WORDS > 1 and m.group(2):
            out.add(START + m.group(1) + " " + m.group(2))
    return out


START_WORDS = 1  # set from the hyper-parameter "start_words"


WORD = re.compile(r"(?<![\w'])[\w']+(?![\w'])")


def word_post_counts(texts):
    """How many of `texts` each whole word occurs in (after norm)."""
    counts = Counter()
    for t in texts:
        counts.update(set(WORD.findall(norm(t))))
    return counts


def automaton_bytes(phrase):
    """What the automaton's trie holds for a cue."""
    return phrase[len(START):] if phrase.startswith(START) else phrase


def candidates(posts, curated, min_df, min_writers=1, min_df_start=None):
    df = Counter()
    writers = defaultdict(set)
    for p in posts:
        grams = ngrams(p["text"])
        if min_df_start:
            grams |= sentence_starts(p["text"])
        df.update(grams)
        for g in grams:
            writers[g].add(p.get("source"))
    cands = [p for p in PATTERNS if p not in OMIT_PATTERNS]
    seen = set(PATTERNS)
    for phrase in curated:
        if phrase not in seen:
            cands.append(phrase)
            seen.add(phrase)
    for phrase, n in sorted(df.items()):
        if phrase.startswith(START):
            if phrase not in seen and n >= min_df_start and len(writers[phrase]) >= min_writers:
                cands.append(phrase)
                seen.add(phrase)
            continue
        words = phrase.count(" ") + 1
        # A phrase only one or two writers use is their style, not how
        # brands write: it would not carry over to other writers' posts.
        if phrase not in seen and n >= min_df[words - 1] and len(writers[phrase]) >= min_writers:
            cands.append(phrase)
            seen.add(phrase)
    return cands


def lexicon_text(phrases, weights=None, cats=None):
    lines = [f"{n}\tnegation\t0" for n in NEGATIONS]
    for i, p in enumerate(phrases):
        w = 1.0 if weights is None else weights[i]
        c = "give" if cats is None else cats[i]
        lines.append(f"{p}\t{c}\t{w:.6g}")
    return "\n".join(lines) + "\n"


def features(engine, phrases, texts):
    """Counts of each phrase's cue firing per text, by the engine."""
    lex = engine.lexicon(lexicon_text(phrases))
    if engine.count(lex) != len(phrases) + len(NEGATIONS):
        raise RuntimeError("duplicate or rejected candidate phrases")
    rows, cols = [], []
    for i, t in enumerate(texts):
        for (_, _, _, entry, _) in engine.explain(lex, t.encode("utf-8")):
            rows.append(i)
            cols.append(entry - len(NEGATIONS))
    engine.free(lex)
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(phrases)))
    X.sum_duplicates()
    return X


def softplus(z):
    return np.logaddexp(0.0, z)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def fit(X, y, mu, lam, bounds, k, class_w):
    """y: +1 give, -1 take, 0 neutral."""
    g, t, n = (y == 1), (y == -1), (y == 0)
    cw = np.where(g, class_w[1], np.where(t, class_w[-1], class_w[0]))

    def f(w):
        d = X @ w
        loss = np.zeros_like(d)
        grad = np.zeros_like(d)
        loss[g] = softplus(-k * (d[g] - 1))
        grad[g] = -k * sigmoid(-k * (d[g] - 1))
        loss[t] = softplus(k * (d[t] + 1))
        grad[t] = k * sigmoid(k * (d[t] + 1))
        loss[n] = softplus(k * (d[n] - 1)) + softplus(-k * (d[n] + 1))
        grad[n] = k * sigmoid(k * (d[n] - 1)) - k * sigmoid(-k * (d[n] + 1))
        r = w - mu
        return float((cw * loss).sum() + (lam * r * r).sum()), X.T @ (cw * grad) + 2 * lam * r

    w0 = np.clip(mu.copy(), [b[0] for b in bounds], [b[1] for b in bounds])
    res = minimize(f, w0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 3000})
    return res.x


def type_category(t):
    for pattern, cat in TYPE_CATEGORY:
        if re.search(pattern, t or ""):
            return cat
    return None


def assign_categories(phrases, w, X, posts, curated):
    cats = []
    Xc = X.tocsc()
    for j, p in enumerate(phrases):
        sign = 1 if w[j] > 0 else -1
        cur = curated.get(p)
        if cur == "routing":
            # A routing cue pulls toward neutral by offsetting give words:
            # in a file with one give and one take axis that is a take weight.
            cats.append("take" if sign < 0 else "helping")
            continue
        if cur and (cur in GIVE_CATS) == (sign > 0):
            cats.append(cur)
            continue
        if p in ("<money>", "<percent_off>") and sign < 0:
            cats.append("selling")
            continue
        votes = Counter()
        for i in Xc[:, j].indices:
            lab = posts[i]["label"]
            if (lab == "give") == (sign > 0) and lab != "neutral":
                c = type_category(posts[i]["type"])
                if c and (c in GIVE_CATS) == (sign > 0):
                    votes[c] += 1
        if votes:
            cats.append(votes.most_common(1)[0][0])
        elif p in ("<question_to_you>", "<question>"):
            cats.append("inviting" if sign > 0 else "take")
        else:
            cats.append("give" if sign > 0 else "take")
    return cats


def bounds_for(phrases):
    return [(-PATTERN_CAP, PATTERN_CAP) if p in STRUCTURAL else (-3.0, 3.0) for p in phrases]


def cap_language_neutral(phrases, w):
    """Scales the pattern weights on each side so their sum stays below the
    margin: a text with no English cue cannot reach a label."""
    idx = [j for j, p in enumerate(phrases) if p in STRUCTURAL]
    for side in (1, -1):
        s = sum(w[j] for j in idx if w[j] * side > 0) * side
        if s > NEUTRAL_CAP:
            for j in idx:
                if w[j] * side > 0:
                    w[j] *= NEUTRAL_CAP / s
    return w


def penalties(phrases, curated, hp):
    """L2 strength per cue: curated cues and patterns carry a prior; learned
    single words are the most particular to one writer's wording."""
    return np.array([hp["lam_curated"] if p in curated else
                     hp["lam_pattern"] if p in PATTERNS else
                     hp.get("lam_word", hp["lam"]) if " " not in p else hp["lam"] for p in phrases])


def train(engine, posts, curated, hp, log=print):
    global FUNCTION_UNIGRAMS
    FUNCTION_UNIGRAMS = bool(hp.get("skip_function_words"))
    global START_WORDS
    START_WORDS = hp.get("start_words", 1)
    y = np.array([{"give": 1, "take": -1, "neutral": 0}[p["label"]] for p in posts])
    texts = [mask_links(p["text"]) for p in posts]
    phrases = candidates(posts, curated, hp["min_df"], hp.get("min_writers", 1), hp.get("min_df_start"))
    log(f"candidates: {len(phrases)}")
    w = None
    for rnd in range(hp["rounds"]):
        X = features(engine, phrases, texts)
        mu = np.array([prior_of(p, curated, hp) for p in phrases])
        lam = penalties(phrases, curated, hp)
        w = fit(X, y, mu, lam, bounds_for(phrases), hp["k"], hp["class_w"])
        fired = np.asarray((X > 0).sum(axis=0)).ravel()
        keep = [j for j in range(len(phrases))
                if abs(w[j]) >= hp["min_weight"] and (fired[j] > 0 or phrases[j] in curated)]
        log(f"round {rnd}: {len(phrases)} cues, kept {len(keep)}")
        phrases = [phrases[j] for j in keep]
        w = w[keep]
    if hp.get("max_cues"):
        # Keep the cues that carry the most weight over the corpus (|w| times
        # the square root of how many posts they fire in): a small automaton
        # is a fast one.
        X = features(engine, phrases, texts)
        fired = np.asarray((X > 0).sum(axis=0)).ravel()
        score = np.abs(w) * np.sqrt(fired + 1)
        keep = {j for j, p in enumerate(phrases) if p in PATTERNS}
        prefixes = set()
        # Curated cues whose fitted sign agrees with their category come
        # first: they carry what the corpus is too small to show.
        agrees = [j for j, p in enumerate(phrases)
                  if p in curated and (curated[p] in GIVE_CATS) == (w[j] > 0)
                  and abs(w[j]) >= hp["final_min_weight"]]
        for j in agrees:
            keep.add(j)
            b = automaton_bytes(phrases[j])
            prefixes |= {b[:i] for i in range(1, len(b) + 1)}
        for j in np.argsort(-score):
            p = phrases[int(j)]
            if p in PATTERNS:
                continue
            b = automaton_bytes(p)
            new = {b[:i] for i in range(1, len(b) + 1)} - prefixes
            if len(keep) >= hp["max_cues"] + len(PATTERNS) or len(prefixes) + len(new) > hp["max_states"]:
                continue
            prefixes |= new
            keep.add(int(j))
        keep = sorted(keep)
        phrases = [phrases[j] for j in keep]
        log(f"max_cues: kept {len(phrases)}")
    # Final fit on the pruned set, with the language-neutral cap applied and
    # the word cues refitted around the capped pattern weights.
    X = features(engine, phrases, texts)
    mu = np.array([prior_of(p, curated, hp) for p in phrases])
    lam = penalties(phrases, curated, hp)
    w = fit(X, y, mu, lam, bounds_for(phrases), hp["k"], hp["class_w"])
    w = cap_language_neutral(phrases, w)
    fixed = [(v, v) if p in STRUCTURAL else b for p, v, b in zip(phrases, w, bounds_for(phrases))]
    w = fit(X, y, mu, lam, fixed, hp["k"], hp["class_w"])
    w = np.round(w, 2)
    # A cue that fires in a fraction f of posts costs the scan a hit that
    # often: it must carry at least hit_cost * f of weight to stay.
    freq = np.asarray((X > 0).sum(axis=0)).ravel() / max(len(texts), 1)
    # A sentence-start cue costs a report wherever its words occur, at a
    # sentence start or not ("if" mid-sentence is reported, then dropped):
    # it pays start_hit_cost per share of posts its words occur in.
    if hp.get("start_hit_cost"):
        posts_with = word_post_counts(texts)
        for j, p in enumerate(phrases):
            if p.startswith(START):
                words = automaton_bytes(p)
                if " " in words:  # a phrase: look for it whole
                    rx = re.compile(r"(?<![\w'])" + re.escape(words) + r"(?![\w'])")
                    n = sum(1 for t in texts if rx.search(norm(t)))
                else:
                    n = posts_with.get(words, 0)
                occurs = n / max(len(texts), 1)
                freq[j] = max(freq[j], hp["start_hit_cost"] / hp["hit_cost"] * occurs)
    keep = [j for j in range(len(phrases))
            if abs(w[j]) >= max(hp["final_min_weight"], hp["hit_cost"] * freq[j])]
    phrases = [phrases[j] for j in keep]
    w = w[keep]
    cats = assign_categories(phrases, w, X[:, keep], posts, curated)
    return phrases, w, cats


def evaluate(engine, lexicon, posts):
    lex = engine.lexicon(lexicon)
    pred = [r[0] for r in engine.classify(lex, [p["text"].encode("utf-8") for p in posts])]
    engine.free(lex)
    return metrics([p["label"] for p in posts], pred)


def metrics(gold, pred):
    labels = ("give", "take", "neutral")
    cm = {(a, b): 0 for a in labels for b in labels}
    for g, p in zip(gold, pred):
        cm[(g, p)] += 1
    out = {"n": len(gold), "accuracy": sum(cm[(l, l)] for l in labels) / max(len(gold), 1),
           "confusion": {g: {p: cm[(g, p)] for p in labels} for g in labels}}
    f1s = []
    for l in labels:
        tp = cm[(l, l)]
        prec = tp / max(sum(cm[(g, l)] for g in labels), 1)
        rec = tp / max(sum(cm[(l, p)] for p in labels), 1)
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[l] = {"precision": prec, "recall": rec, "f1": f1}
        f1s.append(f1)
    out["macro_f1"] = sum(f1s) / 3
    return out


def render_lexicon(phrases, w, cats, n_posts):
    order = {c: i for i, c in enumerate(GIVE_CATS + TAKE_CATS)}
    items = sorted(zip(phrases, w, cats), key=lambda x: (order[x[2]], -abs(x[1]), x[0]))
    lines = []
    last = None
    for p, v, c in items:
        if c != last:
            lines.append(f"# {c}")
            last = c
        lines.append(f"{p}\t{c}\t{abs(v):.2f}")
    lines.append("# negation")
    lines += [f"{n}\tnegation\t0" for n in NEGATIONS]
    return "\n".join(lines) + "\n"


SWIFT_HEADER = """// The built-in English lexicon, in the lexicon file format
// (phrase<TAB>category<TAB>weight). It is data: users replace or extend it
// with the same format (gt_lexicon_load, givetake --lexicon, SQL).
// Phrases with an apostrophe also match the typographic one (U+2019).
// "<percent_off>", "<money>" and the structural cues ("<reply>",
// "<question_to_you>", ...) are patterns (Lexicon.swift, StructuralCues.swift).
//
// GENERATED by `make lexicon` (tools/classifier/train.py) from the labelled
// corpus in data/classifier/ ({n} posts) and the hand-curated cues in
// tools/classifier/curated.tsv: weights of a linear model, give - take, fitted
// with the decision thresholds at +1 and -1 (docs/classifier.md). Edit the
// corpus or the curated cues and regenerate rather than editing this file.

let defaultLexiconText: StaticString = \"\"\"
"""


def to_swift(tsv, n_posts):
    body = tsv.replace("\\", "\\\\").replace("\t", "\\t").replace('"""', '\\"\\"\\"')
    return SWIFT_HEADER.replace("{n}", f"{n_posts:,}") + body.rstrip("\n") + '\n"""\n'


# Chosen on the dev split and by leave-one-writer-out cross-validation
# (crossval.py, docs/classifier.md). min_writers keeps a learned phrase only
# if at least that many writers used it (one writer's habits do not carry
# over to other people's posts). max_states bounds the trie of the word cues
# (distinct phrase prefixes), which bounds the automaton's table and so the
# cache misses of the scan; final_min_weight and hit_cost drop the faint or
# frequent cues whose hits cost more time than they carry weight.
HYPER = {"min_df": (4, 4, 6), "min_writers": 3, "rounds": 1, "k": 1.0, "lam": 2.5, "lam_curated": 1.5,
         "lam_pattern": 1.5, "prior": 0.6, "strong_prior": 1.2, "min_weight": 0.08, "final_min_weight": 0.15,
         "hit_cost": 1.0, "max_cues": 5000, "max_states": 9000, "min_df_start": 6, "start_hit_cost": 3.0, "class_w": {1: 1.0, -1: 1.0, 0: 1.0}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit-on", default="train+dev", choices=("train", "train+dev"))
    ap.add_argument("--out-tsv", default=os.path.join(DATA, "lexicon.tsv"))
    ap.add_argument("--swift", default=os.path.join(ROOT, "Sources", "GiveTakeCore", "Lexicon",
                                                    "DefaultLexicon.swift"))
    ap.add_argument("--set", action="append", default=[], help="hyper-parameter override, name=python-literal")
    ap.add_argument("--dry-run", action="store_true", help="report dev metrics only, write nothing")
    a = ap.parse_args()
    hp = dict(HYPER)
    for s in a.set:
        k, v = s.split("=", 1)
        hp[k] = eval(v)  # a developer's command-line override
    engine = Engine()
    curated = load_curated()
    fit_posts = load_posts(("train",) if a.fit_on == "train" else ("train", "dev"))
    phrases, w, cats = train(engine, fit_posts, curated, hp, log=lambda m: print(m, file=sys.stderr))
    tsv = render_lexicon(phrases, w, cats, len(fit_posts))
    if a.fit_on == "train":
        m = evaluate(engine, tsv, load_posts(("dev",)))
        print(json.dumps({"cues": len(phrases), "dev": m}, indent=1))
    if a.dry_run:
        return
    with open(a.out_tsv, "w", encoding="utf-8") as f:
        f.write(tsv)
    with open(a.swift, "w", encoding="utf-8") as f:
        f.write(to_swift(tsv, len(fit_posts)))
    print(f"{len(phrases)} cues -> {a.out_tsv}, {a.swift}", file=sys.stderr)


if __name__ == "__main__":
    main()
