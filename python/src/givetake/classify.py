"""Give / take classification of texts: one, many, and why."""
from __future__ import annotations

import ctypes as C
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List, NamedTuple, Optional, Union

import numpy as np

from . import _abi as A
from . import _text
from .errors import GiveTakeError, InvalidArgumentError, InvalidTypeError, Utf8Error, check
from .lexicon import Lexicon, default_lexicon

TextLike = Union[str, bytes]


class Classification(NamedTuple):
    """The verdict on one text (docs/metrics.md section 2)."""
    label: str          #: "give", "take" or "neutral"
    give_score: float   #: sum of the weights of the give cues that fired
    take_score: float   #: sum of the weights of the take cues that fired
    cues: int           #: number of give/take cues that fired
    we_words: int       #: we, we're, our, us, ...
    you_words: int      #: you, you're, your, ...
    appreciative: bool  #: thanks / appreciate / grateful / good catch ...


class Cue(NamedTuple):
    """One cue that fired: where, what, and how much."""
    start: int          #: span start in the Python str (code points)
    end: int            #: span end in the Python str (exclusive)
    byte_start: int     #: span start in the UTF-8 bytes
    byte_end: int       #: span end in the UTF-8 bytes (exclusive)
    text: str           #: the matched text
    category: str       #: "teaching", "selling", ...
    weight: float
    phrase: str         #: the lexicon phrase ("<money>", "<percent_off>" for patterns)


class Classifications(NamedTuple):
    """Many verdicts as numpy arrays, one element per text."""
    label: np.ndarray        #: str: "give", "take" or "neutral"
    give_score: np.ndarray   #: float64
    take_score: np.ndarray   #: float64
    cues: np.ndarray         #: int32
    we_words: np.ndarray     #: int32
    you_words: np.ndarray    #: int32
    appreciative: np.ndarray  #: bool


CLASSIFICATION_DTYPE = np.dtype(A.Classification)
_LABELS = np.array(A.LABELS)


def _encode(text: Any, what: str = "text") -> bytes:
    if isinstance(text, str):
        return text.encode("utf-8", "surrogatepass")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    if text is None:
        return b""
    raise InvalidTypeError(f"{what} must be str or bytes, got {type(text).__name__}")


def _lex(lexicon: Optional[Lexicon]) -> Lexicon:
    if lexicon is None:
        return default_lexicon()
    if not isinstance(lexicon, Lexicon):
        raise InvalidTypeError(f"lexicon must be a givetake.Lexicon, got {type(lexicon).__name__}")
    return lexicon


def classify(text: TextLike, lexicon: Optional[Lexicon] = None) -> Classification:
    """Classify one text as give, take or neutral.

    >>> givetake.classify("Tips: how to recycle your phone").label
    'give'

    ``text`` is a str or UTF-8 bytes (invalid UTF-8 raises
    :class:`Utf8Error`); ``lexicon`` defaults to the built-in one.
    """
    b = _encode(text)
    lex = _lex(lexicon)
    out = A.Classification()
    with lex._lock.read():
        rc = lex._abi.lib.gt_classify(C.byref(out), lex._h(), b, len(b))
    check(rc, "classify")
    return Classification(A.LABELS[out.label], out.give_score, out.take_score, out.cues, out.we_words,
                          out.you_words, bool(out.appreciative))


def explain(text: TextLike, lexicon: Optional[Lexicon] = None) -> List[Cue]:
    """Every give/take cue that fired in ``text``, in text order."""
    b = _encode(text)
    lex = _lex(lexicon)
    lib = lex._abi.lib
    cap = 32
    with lex._lock.read():
        while True:
            buf = (A.Cue * cap)()
            count = C.c_size_t()
            check(lib.gt_explain(buf, cap, C.byref(count), lex._h(), b, len(b)), "explain")
            if count.value <= cap:
                break
            cap = count.value
        entries = {}
        cues = []
        for c in buf[:count.value]:
            if c.entry not in entries:
                entries[c.entry] = lex._entry(c.entry).phrase
            start = len(b[:c.offset].decode("utf-8"))
            span = b[c.offset:c.offset + c.length].decode("utf-8")
            cues.append(Cue(start, start + len(span), c.offset, c.offset + c.length, span,
                            A.CATEGORIES[c.category], c.weight, entries[c.entry]))
    return cues


def _batch(lex: Lexicon, texts: np.ndarray, out: np.ndarray, threads: int) -> int:
    """gt_classify_batch over slices in `threads` threads (ctypes releases
    the GIL); returns the first invalid index, or len(texts)."""
    n = len(texts)
    lib = lex._abi.lib

    def run(lo: int, hi: int) -> int:
        lo, hi = int(lo), int(hi)
        bad = C.c_size_t(hi - lo)
        rc = lib.gt_classify_batch(out.ctypes.data + lo * out.itemsize, C.byref(bad), lex._h(),
                                   texts.ctypes.data + lo * texts.strides[0], hi - lo)
        if rc == A.GT_EUTF8:
            return lo + bad.value
        check(rc, "classify_many")
        return n

    with lex._lock.read():
        if threads <= 1 or n < 20000:
            return run(0, n)
        bounds = np.linspace(0, n, threads + 1).astype(int)
        with ThreadPoolExecutor(threads) as pool:
            firsts = list(pool.map(run, bounds[:-1], bounds[1:]))
        return min(firsts)


def classify_many(texts: Any, lexicon: Optional[Lexicon] = None, *, errors: str = "raise",
                  threads: Optional[int] = None) -> Any:
    """Classify many texts in one pass through ``gt_classify_batch``.

    ``texts``: any iterable of str / bytes / None, a numpy array, a
    ``pandas.Series`` or a ``pyarrow`` string array (read in place, no
    copy). None / NaN count as empty texts (neutral).

    Returns a :class:`Classifications` of numpy arrays, or, for a Series,
    a ``pandas.DataFrame`` with the Series' index and the same columns.

    ``errors="raise"`` (default) raises :class:`Utf8Error` naming the first
    text that is not valid UTF-8; ``errors="neutral"`` scores such texts
    as neutral with zero scores instead. ``threads`` splits large batches
    over that many threads (default: the number of CPUs).
    """
    if errors not in ("raise", "neutral"):
        raise InvalidArgumentError(f"errors must be 'raise' or 'neutral', not {errors!r}")
    lex = _lex(lexicon)
    col = _text.from_any(texts, "text")
    gt = col.gt_texts()
    n = len(gt)
    out = np.zeros(n, dtype=CLASSIFICATION_DTYPE)
    first_bad = _batch(lex, gt, out, threads if threads is not None else (os.cpu_count() or 1))
    if first_bad < n and errors == "raise":
        where = f"text {first_bad}"
        if _text.is_pandas_series(texts):
            where += f" (index {texts.index[first_bad]!r})"
        raise Utf8Error(f"classify_many: {where} is not valid UTF-8", A.GT_EUTF8)
    result = Classifications(_LABELS[out["label"]], out["give_score"], out["take_score"], out["cues"],
                             out["we_words"], out["you_words"], out["appreciative"].astype(bool))
    if _text.is_pandas_series(texts):
        import pandas as pd
        df = pd.DataFrame(result._asdict(), index=texts.index)
        df["label"] = pd.Categorical.from_codes(out["label"], categories=list(A.LABELS))  # type: ignore[call-overload]
        return df
    return result


__all__ = ["Classification", "Classifications", "Cue", "classify", "classify_many", "explain", "GiveTakeError"]
