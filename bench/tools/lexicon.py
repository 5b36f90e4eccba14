"""The built-in lexicon, read from the Swift source, and the regular
expressions that reproduce GiveTake's matching rules (docs/metrics.md §1-2)
in the three SQL dialects the benchmark compares.

Nothing here is hand-maintained: every regex is generated from the lexicon
text in Sources/GiveTakeCore/Lexicon/DefaultLexicon.swift, so the plain SQL
stays in sync with the engine (gen_lexicon_sql.py writes the SQL files;
`--check` fails when they are stale).

Two dialects:

* "lookaround" (PostgreSQL ARE, Python `regex`): one alternation of cues
  with word-boundary lookarounds. PostgreSQL picks the leftmost-longest
  match; for leftmost-first engines the alternatives are ordered longest
  first, which gives the same answer. The negation window is a
  variable-length lookbehind, reported as a flag group: group 1 is '' for
  a negated cue and NULL otherwise; group 2 is the cue text.

* "re2" (DuckDB): RE2 has no lookaround. The text is first rewritten:
  every non-word character is doubled (so a boundary test may consume one
  copy and leave the other for the next match), and valid <percent_off> /
  <money> spans get a marker character in front (so the maximal-number
  rules are checked by a separate regexp_replace). A tokenizing regex then
  walks the text word by word: group 1 is the gap before a token, group 2
  the token (a cue, a negation word, or '' at the end). The SQL counts the
  words between a negation token and a cue to apply the negation window.
"""
from __future__ import annotations

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SWIFT_LEXICON = os.path.join(ROOT, "Sources", "GiveTakeCore", "Lexicon", "DefaultLexicon.swift")

START = "<start> "  # "<start> phrase": a sentence-start cue (StructuralCues.swift)

GIVE = ("teaching", "helping", "crediting", "inviting", "responsibility", "give")
TAKE = ("selling", "self_promotion", "take")
CATEGORIES = GIVE + TAKE + ("negation",)

PCT_MARK = "\x01"    # in front of a valid <percent_off> span (re2 dialect)
MONEY_MARK = "\x02"  # in front of a valid <money> span (re2 dialect)
CURRENCIES = ("$", "€", "£", "¥")

WE_WORDS = ("we", "we're", "we've", "we'll", "our", "ours", "us")
YOU_WORDS = ("you", "you're", "you've", "you'll", "your", "yours")


def is_word_char(ch: str) -> bool:
    """docs/metrics.md §1: ASCII letters, ASCII digits, any non-ASCII."""
    return ord(ch) >= 0x80 or ch.isascii() and ch.isalnum()


def read_swift_lexicon(path: str = SWIFT_LEXICON) -> str:
    """The lexicon file text inside `let defaultLexiconText = \"\"\" ... \"\"\"`."""
    src = open(path, encoding="utf-8").read()
    m = re.search(r'defaultLexiconText: StaticString = """\n(.*?)\n"""', src, re.S)
    if not m:
        raise SystemExit(f"cannot find defaultLexiconText in {path}")
    return m.group(1).replace("\\t", "\t")


def parse_lexicon(text: str) -> list[tuple[str, str, float]]:
    """(phrase, category, weight), later lines replacing earlier ones."""
    entries: dict[str, tuple[str, str, float]] = {}
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip(" \t"):
            continue
        if "\t" not in line and line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"lexicon line {n}: expected 3 fields")
        phrase = " ".join(parts[0].split())
        phrase = "".join(c.lower() if c.isascii() else c for c in phrase)
        cat = parts[1].strip().lower()
        if cat not in CATEGORIES:
            raise ValueError(f"lexicon line {n}: unknown category {cat}")
        entries[phrase] = (phrase, cat, float(parts[2].strip()))
    return list(entries.values())


def default_lexicon() -> list[tuple[str, str, float]]:
    return parse_lexicon(read_swift_lexicon())


def polarity(cat: str) -> int:
    return 1 if cat in GIVE else -1 if cat in TAKE else 0


def norm_phrase(p: str) -> str:
    """Key used to join a matched text back to its entry."""
    return p.replace("\u2019", "'")


def cues_and_negations(entries):
    """Word cues and patterns (sentence-start cues apart: start_cues), and
    the negation words."""
    cues = [(p, c, w) for p, c, w in entries if c != "negation" and w > 0 and not p.startswith(START)]
    negs = [p for p, c, w in entries if c == "negation"]
    return cues, negs


def apostrophe_variants(phrase: str) -> list[str]:
    if "'" not in phrase and "\u2019" not in phrase:
        return [phrase]
    a = phrase.replace("\u2019", "'")
    return [a, a.replace("'", "\u2019")]


def check_supported(entries) -> None:
    """The SQL formulations rely on properties the default lexicon has."""
    cues, negs = cues_and_negations(entries)
    for p, c, _ in entries:
        if not p.startswith(START):
            continue
        words = p[len(START):]
        if c == "negation":
            raise SystemExit(f"sentence-start negation {p!r}: not supported by bench SQL")
        if not (words[0].isascii() and words[0].isalnum()):
            raise SystemExit(f"sentence-start cue {p!r} does not open with an ASCII letter or digit: "
                             "not supported by bench SQL")
        if re.search(r"[.!?\u2600-\u27bf\U00010000-\U0010ffff] ", words):
            raise SystemExit(f"sentence-start cue {p!r} spans a sentence end: not supported by bench SQL")
    for p, _, _ in cues:
        if p.startswith("<"):
            if p not in ("<percent_off>", "<money>") and p not in STRUCTURAL:
                raise SystemExit(f"unknown pattern {p!r}: not supported by bench SQL")
            continue
        words = re.findall(r"[0-9a-z\u0080-\U0010ffff]+", p)
        for n in negs:
            if n in words:
                raise SystemExit(f"cue {p!r} contains the negation word {n!r}: not supported by bench SQL")
        if p[0] in ".,":
            raise SystemExit(f"cue {p!r} starts with '.' or ',': not supported by bench SQL")
        if any(ch in p for ch in CURRENCIES):
            raise SystemExit(f"cue {p!r} contains a currency sign: not supported by bench SQL")
    for n in negs:
        if not all(is_word_char(c) for c in n):
            raise SystemExit(f"negation {n!r} is not a single word: not supported by bench SQL")


# ---------------------------------------------------------------- classes

W_PG = r"[0-9A-Za-z\u0080-\U0010FFFF]"
NW_PG = r"[^0-9A-Za-z\u0080-\U0010FFFF]"
W_RE2 = r"[0-9A-Za-z\x{80}-\x{10FFFF}]"
NW_RE2 = r"[^0-9A-Za-z\x{80}-\x{10FFFF}]"


def lit(ch: str) -> str:
    """One literal character, ASCII letters as a two-case class."""
    if ch.isascii() and ch.isalpha():
        return f"[{ch.lower()}{ch.upper()}]"
    if ch.isascii() and not ch.isalnum() and ch != " ":
        return "\\" + ch
    return ch


# ---------------------------------------------------------- lookaround

def _esc(ch: str, fold: bool) -> str:
    """A literal character: with fold (PostgreSQL flag 'i' under COLLATE "C",
    which folds ASCII only) letters stay as they are; without, an ASCII
    letter becomes a two-case class."""
    if fold and ch.isascii() and ch.isalpha():
        return ch
    return lit(ch)


def _la_cues(entries, fold: bool) -> str:
    """The cue alternation with word-boundary lookarounds. Phrases that need
    a boundary on both sides share one pair of lookarounds (PostgreSQL's
    engine is much faster that way); longest first for leftmost-first
    engines."""
    W = W_PG
    cues, _ = cues_and_negations(entries)
    both, other = [], []
    for p, _, _ in cues:
        if p == "<percent_off>":
            # The number's first digit follows a non-word character (it may
            # be the '.' or ',' a run starts with: "a.5% off" counts); a
            # digit stands right before the '%'.
            other.append((1000, rf"(?:(?<![0-9.,])[.,]+|(?<![0-9A-Za-z\u0080-\U0010FFFF.,]))[0-9](?:[0-9.,]*[0-9])?% ?{_esc('o', fold)}"
                                rf"{_esc('f', fold)}{_esc('f', fold)}(?!{W})"))
            continue
        if p == "<money>":
            for sym in CURRENCIES:
                left = f"(?<!{W})" if is_word_char(sym) else ""
                other.append((1000, f"{left}{lit(sym)}[0-9](?:[0-9.,]*[0-9])?(?![.,]*[0-9])(?!{W})"))
            continue
        for v in apostrophe_variants(p):
            body = "".join(_esc(c, fold) for c in v)
            if is_word_char(v[0]) and is_word_char(v[-1]):
                both.append((len(v), body))
            else:
                left = f"(?<!{W})" if is_word_char(v[0]) else ""
                right = f"(?!{W})" if is_word_char(v[-1]) else ""
                other.append((len(v), left + body + right))
    both.sort(key=lambda t: -t[0])
    if fold:
        # PostgreSQL's alternation takes the longest match at a position
        # whatever the order: one pair of lookarounds for all.
        alts = [(max(n for n, _ in both), f"(?<!{W})(?:{'|'.join(b for _, b in both)})(?!{W})")] if both else []
    else:
        # Python's takes the first that matches: one group per length, in
        # the same longest-first order as the other phrases ("myth:" before
        # "myth").
        by_len: dict[int, list[str]] = {}
        for n, b in both:
            by_len.setdefault(n, []).append(b)
        alts = [(n, f"(?<!{W})(?:{'|'.join(bs)})(?!{W})") for n, bs in by_len.items()]
    alts += other
    alts.sort(key=lambda t: -t[0])
    return "|".join(a for _, a in alts)


def negation_window(entries, fold: bool) -> str:
    _, negs = cues_and_negations(entries)
    neg = "|".join("".join(_esc(c, fold) for c in n) for n in sorted(negs, key=len, reverse=True))
    return f"(?:^|{NW_PG})(?:{neg})(?:{NW_PG}+{W_PG}+){{0,2}}{NW_PG}*"


def negation_test(entries, fold: bool) -> str:
    """Does the text contain a negation word at all?"""
    _, negs = cues_and_negations(entries)
    neg = "|".join("".join(_esc(c, fold) for c in n) for n in sorted(negs, key=len, reverse=True))
    return f"(?<!{W_PG})(?:{neg})(?!{W_PG})"


def lookaround_regex(entries, fold: bool = False) -> str:
    """Group 1 = negation flag ('' when negated, NULL otherwise), group 2 = cue."""
    check_supported(entries)
    win = negation_window(entries, fold)
    return f"(?:((?<={win}))|(?<!{win}))({_la_cues(entries, fold)})"


def lookaround_cue_regex(entries, fold: bool = False) -> str:
    """Group 1 = cue; for texts without a negation word."""
    check_supported(entries)
    return f"({_la_cues(entries, fold)})"


# ----------------------------------------------------------------- re2

def double_nonword_regex() -> tuple[str, str]:
    """regexp_replace(body, pattern, replacement, 'g') doubling non-word chars."""
    return NW_RE2, r"\0\0"


def percent_mark_regex() -> str:
    """On doubled text: group 1 = left context, group 2 = valid percent span."""
    num = r"(?:[0-9]|\.\.|,,)*[0-9]"
    # The span starts at the number's first digit, which follows a non-word
    # character: the start, or one outside the run, or the run's '.'/','.
    # Applied twice: a match ends by taking one copy of the character after
    # it, which may be the '.' in front of the next amount ("off.5% off");
    # a mark (\x01) never counts as context, so nothing is marked twice.
    left = r"(^|[^0-9A-Za-z\x{80}-\x{10FFFF}.,\x01]|(?:^|[^0-9.,\x01])(?:\.\.|,,)+)"
    return rf"{left}([0-9](?:{num})?%%(?:  )?[oO][fF][fF](?:$|{NW_RE2}))"


def money_mark_regexes() -> list[tuple[str, bool]]:
    """On doubled text: (pattern, has_left_group). A valid money span: the
    maximal number run after the sign, trimmed of trailing '.'/',', then a
    non-word character or the end."""
    run = r"\x01?[0-9](?:(?:\.\.|,,)*[0-9])*"  # a percent mark may sit after the sign
    end = rf"(?:(?:\.\.|,,)+(?:$|[^0-9])|$|[^0-9A-Za-z\x{{80}}-\x{{10FFFF}}.,])"
    out = []
    ascii_syms = "".join("\\" + s for s in CURRENCIES if not is_word_char(s))
    out.append((rf"([{ascii_syms}]{run}{end})", False))
    wide = "|".join(s for s in CURRENCIES if is_word_char(s))
    # The end test may consume the sign of a following amount ("€5.€5"):
    # gt_prep applies this one twice; the left context excludes a mark so a
    # marked sign is not marked again.
    out.append((rf"(^|[^0-9A-Za-z\x{{80}}-\x{{10FFFF}}\x02])((?:{wide}){run}{end})", True))
    return out


def _re2_literal(v: str) -> str:
    """A phrase on doubled text: non-word chars doubled except a leading one
    (which matches the second copy); an optional percent mark before a digit
    that follows a non-word char."""
    out = []
    for i, ch in enumerate(v):
        if ch.isdigit() and (i == 0 or not is_word_char(v[i - 1])):
            out.append(r"\x01?")
        if is_word_char(ch):
            out.append(lit(ch))
        elif i == 0:
            out.append(lit(ch))
        else:
            out.append(lit(ch) * 2)
    return "".join(out)


def re2_token_regex(entries) -> str:
    check_supported(entries)
    cues, negs = cues_and_negations(entries)
    E = f"(?:{NW_RE2}|$)"
    alts = []
    for p, _, _ in cues:
        if p == "<percent_off>":
            alts.append((1000, r"\x01(?:[0-9]|\.\.|,,)*[0-9]%%(?:  )?[oO][fF][fF]" + E))
            continue
        if p == "<money>":
            alts.append((1000, r"\x02(?:[$€£¥])\x01?[0-9](?:[0-9]|\.\.|,,)*"))
            continue
        for v in apostrophe_variants(p):
            body = _re2_literal(v)
            if is_word_char(v[-1]):
                body += E
            alts.append((len(v.encode()) * 2, body))
    alts.sort(key=lambda t: -t[0])
    neg = "|".join("".join(lit(c) for c in n) for n in sorted(negs, key=len, reverse=True))
    token = "|".join(a for _, a in alts) + f"|(?:{neg}){E}|$"
    step = f"{W_RE2}+(?:{NW_RE2}|$)|{NW_RE2}"
    return f"((?:{step})*?)({token})"


def re2_negation_words(entries) -> list[str]:
    return [n for p in [entries] for n in cues_and_negations(p)[1]]


# --------------------------------------------------- shared small patterns

def appreciative_regex(dialect: str, fold: bool = False) -> str:
    """Boolean test (docs §3 'Appreciative')."""
    W, NW = (W_RE2, NW_RE2) if dialect == "re2" else (W_PG, NW_PG)
    stems = "|".join("".join(_esc(c, fold) for c in s) for s in ("thank", "appreciat", "grateful"))
    words = "|".join("".join(_esc(c, fold) for c in s) for s in ("thx", "good catch", "great question", "great point"))
    if dialect == "re2":
        return f"(?:^|{NW})(?:{stems}|(?:{words})(?:{NW}|$))"
    return f"(?<!{W})(?:{stems}|(?:{words})(?!{W}))"


def pronoun_words() -> tuple[list[str], list[str]]:
    """W-runs counted by me_index (ASCII-lower-cased): ASCII apostrophes
    split a word ("we're" is the run "we"), U+2019 does not (it is a word
    character), so the typographic contractions are runs of their own."""
    we = sorted({w.split("'")[0] for w in WE_WORDS} | {w.replace("'", "\u2019") for w in WE_WORDS if "'" in w})
    you = sorted({w.split("'")[0] for w in YOU_WORDS} | {w.replace("'", "\u2019") for w in YOU_WORDS if "'" in w})
    return we, you


# ---------------------------------------------------- structural cues

# StructuralCues.swift: each fires at most once per text and stays outside
# leftmost-longest selection and the negation window, so in SQL each is one
# boolean test on the whole body, its weight added when it matches.
STRUCTURAL = ("<reply>", "<mention>", "<question_to_you>", "<question>", "<step>", "<link>", "<percent>",
              "<exclamation>", "<hashtag>")


def structural_regex(cue: str, dialect: str) -> str:
    """A search pattern that matches a text iff the structural cue fires in
    it. dialect "pg": PostgreSQL ARE and Python re (lookarounds, \\A, \\Z);
    "re2": DuckDB (no lookaround). Case-sensitive: ASCII letters are
    two-case classes."""
    re2 = dialect == "re2"
    ch = r"0-9A-Za-z\x{80}-\x{10FFFF}" if re2 else r"0-9A-Za-z\u0080-\U0010FFFF"
    W, NW, H = f"[{ch}]", f"[^{ch}]", f"[_{ch}]"
    A, Z = ("^", "$") if re2 else (r"\A", r"\Z")
    sp = r"[ \t\r\n]"
    word = lambda w: "".join(lit(c) for c in w)
    if cue == "<reply>":  # opens (after white space) with @handle
        return rf"{A}{sp}*@{H}"
    if cue == "<mention>":
        # An @handle not preceded by a word character, after the run of
        # leading handles a reply opens with (white space, commas, @handles)
        # is broken: by a character outside that run, or a handle character
        # that follows white space, a comma or the start.
        if re2:
            return (rf"(?s)(?:(?:[^ \t\r\n,@_{ch}]|(?:^|[ \t\r\n,])_)(?:.*{NW})?"
                    rf"|(?:^|[ \t\r\n,]){W}.*{NW})@{H}")
        return rf"(?s)(?:[^ \t\r\n,@_{ch}]|(?:\A|[ \t\r\n,]){H}).*?(?<!{W})@{H}"
    if cue == "<question_to_you>":  # a '?' after the end of a you-word
        you = "|".join(word(w) for w in sorted(pronoun_words()[1], key=len, reverse=True))
        if re2:
            return rf"(?s)(?:^|{NW})(?:{you})(?:{NW}.*)?\?"
        return rf"(?s)(?<!{W})(?:{you})(?!{W}).*?\?"
    if cue == "<question>":
        return r"\?"
    if cue == "<exclamation>":
        return "!"
    if cue == "<step>":  # "1. " or "2) " at the start or after white space, then a letter
        return rf"(?:{A}|{sp})[1-9][.)][ \t][A-Za-z]"
    if cue == "<link>":
        starts = "|".join(word(w) for w in ("https://", "http://", "www."))
        ends = "|".join(word(w) for w in ("co.uk", "com", "org", "net", "io", "ly"))
        if re2:
            return rf"(?:^|{NW})(?:{starts})|{W}\.(?:{ends})(?:{NW}|$)"
        return rf"(?<!{W})(?:{starts})|(?<={W})\.(?:{ends})(?!{W})"
    if cue == "<percent>":
        # The run of digits, '.' and ',' before '%' holds a digit; it starts
        # with '.' or ',' or after a non-word character; not "% off".
        num = rf"(?:(?:{A}|[^0-9.,])[.,]+[0-9][0-9.,]*|(?:{A}|[^.,{ch}])[0-9][0-9.,]*)%"
        o, f = lit("o"), lit("f")
        if re2:
            follow = rf"(?:$|[^ oO]| (?:$|[^oO])| ?{o}(?:$|[^fF])| ?{o}{f}(?:$|[^fF])| ?{o}{f}{f}{W})"
            return num + follow
        return num + rf"(?! ?{o}{f}{f}(?:{NW}|\Z))"
    if cue == "<hashtag>":
        return rf"(?:^|{NW})#[A-Za-z]" if re2 else rf"(?<!{W})#[A-Za-z]"
    raise SystemExit(f"unknown structural cue {cue!r}")


# ------------------------------------------------- sentence-start cues

# "<start> phrase" (StructuralCues.swift, opensSentence): the phrase, as
# whole words, where a sentence opens: after nothing but white space, after
# a white-space run that holds a line break or follows '.', '!', '?', an
# emoji (a code point above U+FFFF) or a symbol U+2600-U+27BF, or after the
# run of @handles (with white space and commas) a reply opens with, when
# white space ends it. Outside leftmost-longest selection, never negated,
# counted in every sentence it opens: several start cues may count at one
# position ("<start> try" and "<start> try again"), so the phrases are split
# into layers in which no two can match at the same position, and each layer
# is one regex whose every match is a hit.

WS = r"[ \t\r\n]"


def start_cues(entries) -> list[tuple[str, str, float]]:
    """(phrase after "<start> ", category, weight)."""
    return [(p[len(START):], c, w) for p, c, w in entries
            if p.startswith(START) and c != "negation" and w > 0]


def _word_prefix(u: str, v: str) -> bool:
    """Can u and v both match at one position (u shorter)?"""
    return len(u) < len(v) and v.startswith(u) and (not is_word_char(u[-1]) or not is_word_char(v[len(u)]))


def start_layers(entries, split_boundary: bool = False) -> list[list[str]]:
    """The phrase variants, in layers: a variant goes one layer above every
    variant that is a word prefix of it. Longest first within a layer. With
    split_boundary, variants that end in a word character (they need a
    boundary after them) and the others go to separate layers."""
    variants = sorted({v for p, _, _ in start_cues(entries) for v in apostrophe_variants(p)}, key=len)
    depth: dict[str, int] = {}
    for v in variants:
        depth[v] = 1 + max((depth[u] for u in depth if _word_prefix(u, v)), default=0)
    layers: dict[tuple[int, bool], list[str]] = {}
    for v, d in depth.items():
        layers.setdefault((d, split_boundary and is_word_char(v[-1])), []).append(v)
    return [sorted(vs, key=lambda v: (-len(v), v)) for _, vs in sorted(layers.items())]


def start_lookbehind() -> str:
    """PostgreSQL ARE / Python regex: the position opens a sentence."""
    H = r"[_0-9A-Za-z\u0080-\U0010FFFF]"
    end = r"[.!?\u2600-\u27BF\U00010000-\U0010FFFF]"
    return rf"(?<=^{WS}*|\n{WS}*|{end}{WS}+|^(?:[ \t\r\n,]|@{H}*)*{WS})"


def start_regex(layer: list[str], fold: bool = False) -> str:
    """PostgreSQL ARE (fold: flag 'i' under COLLATE "C") / Python regex:
    group 1 = a phrase of the layer where a sentence opens."""
    alts = "|".join("".join(_esc(c, fold) for c in v) + (f"(?!{W_PG})" if is_word_char(v[-1]) else "")
                    for v in layer)
    return f"{start_lookbehind()}({alts})"


START_MARK = r"\x03"  # put in front of every sentence opening (re2 dialect)


def start_mark_regex() -> str:
    """RE2, on the body (chr(3) replaced first): regexp_replace(b, this,
    '\\0' || chr(3), 'g') puts chr(3) where a sentence opens in front of
    an ASCII letter or digit (a start phrase's first character). Each match
    ends a maximal white-space run; the alternatives that consume a
    character come before the empty match at the start, which would step
    over it."""
    H = r"[_0-9A-Za-z\x{80}-\x{10FFFF}]"
    end = r"[.!?\x{2600}-\x{27BF}\x{10000}-\x{10FFFF}]"
    return rf"^(?:[ \t\r\n,]|@{H}*)*{WS}|{end}{WS}+|\n{WS}*|^{WS}*"


def start_re2_regex(layer: list[str]) -> str:
    """RE2, on marked text: group 1 = a phrase of the layer after a mark
    (all of the layer end in a word character, or none does)."""
    alts = "|".join(_re2_start_literal(v) for v in layer)
    right = f"(?:{NW_RE2}|$)" if is_word_char(layer[0][-1]) else ""
    return f"{START_MARK}({alts}){right}"


def _re2_start_literal(v: str) -> str:
    return "".join(lit(c) for c in v)


# ---- Parts of a text that are not prose -------------------------------------
# GiveTake finds no word cue inside an @handle, an e-mail address or a link,
# nor in a support agent's closing signature (NotProse.swift); the plain SQL
# does not model that. has_non_prose() says whether a text has such a part
# (the same rules), so that the checks can tell those differences apart.

_SPACE = " \t\r\n"


def _tokens(text: str):
    return [t for t in re.split(r"[ \t\r\n]+", text) if t]


def _is_link(tok: str) -> bool:
    if "://" in tok:
        return True
    return re.search(r"[A-Za-z0-9]\.[A-Za-z]{2}.*/", tok) is not None


def _is_signature(tokens) -> bool:
    rest = list(tokens)
    dropped = 0
    while rest and dropped < 3 and (_is_link(rest[-1]) or re.fullmatch(r"[0-9]/[0-9]", rest[-1])):
        rest.pop()
        dropped += 1
    if not rest:
        return False
    last = rest[-1]
    if re.fullmatch(r"\^[A-Za-z]{1,20}", last) or re.fullmatch(r"[-/~][A-Z]{1,3}", last):
        return True
    return len(rest) >= 2 and rest[-2] == "-" and re.fullmatch(r"[A-Z]{1,3}", last) is not None


def has_non_prose(text: str) -> bool:
    toks = _tokens(text)
    return any("@" in t or _is_link(t) for t in toks) or _is_signature(toks)
