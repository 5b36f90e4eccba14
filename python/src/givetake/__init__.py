"""GiveTake for Python: does a business give or take on social media, and
does it acknowledge its customers?

    >>> import givetake
    >>> givetake.classify("Here's how to fix it: 5 tips").label
    'give'
    >>> result = givetake.score(df)          # a pandas.DataFrame of interactions
    >>> result.accounts[["account_id", "give_ratio", "ack_rate", "health"]]

The engine is libgivetake (C ABI, bundled); numpy is required, pandas and
pyarrow are optional (``pip install givetake[pandas]``, ``givetake[arrow]``).
Metric definitions: docs/metrics.md of the GiveTake project.
"""
from __future__ import annotations

from . import _abi
from .classify import Classification, Classifications, Cue, classify, classify_many, explain
from .errors import (CanceledError, GiveTakeError, InvalidArgumentError, InvalidTypeError, LexiconParseError,
                     LimitError, RangeError, ScheduleError, StateError, Utf8Error)
from .lexicon import Lexicon, LexiconEntry
from .schedule import Schedule
from .score import ScoreResult, score


CHANNELS = _abi.CHANNELS
KINDS = _abi.KINDS
CATEGORIES = _abi.CATEGORIES


def library_version() -> str:
    """Version of the loaded libgivetake, e.g. "0.1.0"."""
    return _abi.abi().version


# The package bundles the library it wraps, so they share one version
# (defined in include/givetake.h).
__version__ = library_version()


__all__ = ["classify", "classify_many", "explain", "score", "Lexicon", "LexiconEntry", "Classification",
           "Classifications", "Cue", "ScoreResult", "Schedule", "GiveTakeError", "InvalidArgumentError",
           "InvalidTypeError", "LimitError", "LexiconParseError", "Utf8Error", "RangeError", "StateError",
           "CanceledError", "ScheduleError", "CHANNELS", "KINDS", "CATEGORIES", "library_version", "__version__"]
