"""Lexicons: the cues (phrase, category, weight) that classification uses."""
from __future__ import annotations

import ctypes as C
import os
import threading
from contextlib import contextmanager
from typing import Iterator, NamedTuple, Optional, Union

from . import _abi as A
from .errors import GiveTakeError, InvalidArgumentError, InvalidTypeError, check


class LexiconEntry(NamedTuple):
    phrase: str
    category: str
    weight: float


class _ReadWriteLock:
    """Many concurrent readers (classify, explain, scorers) or one writer
    (load, add): the rule the C library states for a gt_lexicon. A waiting
    writer goes first: new readers wait for it, so readers that keep
    coming cannot hold an add off forever. (No reader takes the lock
    again while holding it, which this order would deadlock.)"""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def category_code(category: Union[str, int]) -> int:
    """A GT_CAT_* code for a category name ("selling") or code."""
    if isinstance(category, bool) or not isinstance(category, (str, int)):
        raise InvalidTypeError(f"category must be a name or a code, got {type(category).__name__}")
    if isinstance(category, int):
        if not 0 <= category < len(A.CATEGORIES):
            raise InvalidArgumentError(f"unknown category code {category}")
        return category
    b = category.encode()
    code = A.abi().lib.gt_category_parse(b, len(b))
    if code < 0:
        raise InvalidArgumentError(f"unknown category {category!r} (expected one of {', '.join(A.CATEGORIES)})")
    return code


class Lexicon:
    """A compiled set of cues, matched case-insensitively on whole words.

    Build one with :meth:`builtin`, :meth:`empty`, :meth:`load` (a file of
    ``phrase<TAB>category<TAB>weight`` lines) or :meth:`from_text`; extend
    it with :meth:`add` and :meth:`update`. A lexicon may be shared by any
    number of threads; changes wait until running classifications finish.
    """

    def __init__(self, *, builtin: bool = True):
        self._abi = A.abi()
        self._lock = _ReadWriteLock()
        h = C.c_void_p()
        check(self._abi.lib.gt_lexicon_new(C.byref(h), A.GT_LEXICON_DEFAULT if builtin else A.GT_LEXICON_EMPTY),
              "gt_lexicon_new")
        self._handle: Optional[int] = h.value

    @classmethod
    def builtin(cls) -> "Lexicon":
        """A new copy of the built-in English lexicon."""
        return cls(builtin=True)

    @classmethod
    def empty(cls) -> "Lexicon":
        """A lexicon with no cues."""
        return cls(builtin=False)

    @classmethod
    def from_text(cls, text: Union[str, bytes], *, extend_builtin: bool = False) -> "Lexicon":
        """A lexicon from text in the lexicon file format; starts empty, or
        from the built-in lexicon with ``extend_builtin=True``."""
        lex = cls(builtin=extend_builtin)
        lex.update(text)
        return lex

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], *, extend_builtin: bool = False) -> "Lexicon":
        """A lexicon from a file of ``phrase<TAB>category<TAB>weight`` lines
        (as ``givetake score --lexicon``; ``extend_builtin=True`` adds them
        to the built-in cues, like the CLI without --no-default-lexicon)."""
        with open(path, "rb") as f:
            data = f.read()
        lex = cls(builtin=extend_builtin)
        try:
            lex.update(data)
        except GiveTakeError as e:
            raise type(e)(f"{os.fspath(path)}: {e.message}", e.status) from None
        return lex

    # -- changes

    def update(self, text: Union[str, bytes]) -> None:
        """Add or replace cues from lexicon-format text. On a parse error
        nothing changes and :class:`LexiconParseError` names the line."""
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogatepass")
        if not isinstance(text, (bytes, bytearray)):
            raise InvalidTypeError(f"lexicon text must be str or bytes, got {type(text).__name__}")
        data = bytes(text)
        with self._lock.write():
            lib = self._abi.lib
            check(lib.gt_lexicon_load(self._h(), data, len(data)), "lexicon", lib.gt_lexicon_errmsg(self._h()))

    def add(self, phrase: str, category: Union[str, int], weight: float = 1.0) -> None:
        """Add or replace one cue; weight 0 disables the phrase."""
        if not isinstance(phrase, str):
            raise InvalidTypeError(f"phrase must be str, got {type(phrase).__name__}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise InvalidTypeError(f"weight must be a number, got {type(weight).__name__}")
        code = category_code(category)
        b = phrase.encode("utf-8", "surrogatepass")
        with self._lock.write():
            lib = self._abi.lib
            check(lib.gt_lexicon_add(self._h(), b, len(b), code, float(weight)), f"lexicon add {phrase!r}",
                  lib.gt_lexicon_errmsg(self._h()))

    # -- reading

    def __len__(self) -> int:
        with self._lock.read():
            return int(self._abi.lib.gt_lexicon_count(self._h()))

    def entry(self, index: int) -> LexiconEntry:
        """The index-th cue in load order."""
        with self._lock.read():
            return self._entry(index)

    def _entry(self, index: int) -> LexiconEntry:
        p, n, cat, w = C.c_void_p(), C.c_size_t(), C.c_int(), C.c_double()
        lib = self._abi.lib
        check(lib.gt_lexicon_entry(C.byref(p), C.byref(n), C.byref(cat), C.byref(w), self._h(), index),
              f"lexicon entry {index}", lib.gt_lexicon_errmsg(self._h()))
        phrase = C.string_at(p.value, n.value).decode("utf-8", "replace") if p.value and n.value else ""
        return LexiconEntry(phrase, A.CATEGORIES[cat.value], w.value)

    def __iter__(self) -> Iterator[LexiconEntry]:
        with self._lock.read():
            entries = [self._entry(i) for i in range(self._abi.lib.gt_lexicon_count(self._h()))]
        return iter(entries)

    def to_text(self) -> str:
        """The cues in the lexicon file format (loadable with from_text)."""
        return "".join(f"{e.phrase}\t{e.category}\t{e.weight!r}\n" for e in self)

    def __repr__(self) -> str:
        return f"<givetake.Lexicon with {len(self)} cues>"

    # -- lifetime

    def _h(self) -> int:
        if self._handle is None:
            raise InvalidArgumentError("the lexicon is closed")
        return self._handle

    def close(self) -> None:
        """Free the library object now (it is freed on garbage collection
        otherwise). Scorers already made keep their own reference."""
        with self._lock.write():
            if self._handle is not None:
                self._abi.lib.gt_lexicon_free(self._handle)
                self._handle = None

    def __del__(self) -> None:
        h = getattr(self, "_handle", None)
        if h is not None:
            self._abi.lib.gt_lexicon_free(h)
            self._handle = None


_default: Optional[Lexicon] = None
_default_lock = threading.Lock()


def default_lexicon() -> Lexicon:
    """The shared built-in lexicon used when no lexicon is given."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Lexicon.builtin()
    return _default
