"""Exceptions: one class per GT_E* status code of the C library.

Every error carries ``status`` (the library's code) and ``message`` (the
library's own message from gt_*_errmsg, or what this package found wrong
before calling it: the row and the column).
"""
from __future__ import annotations

from typing import Optional

from . import _abi as A


class GiveTakeError(Exception):
    """Base class of every GiveTake error."""

    status: int = 0

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class InvalidArgumentError(GiveTakeError, ValueError):
    """GT_EINVAL: an argument out of its domain (a missing required value, ...)."""
    status = A.GT_EINVAL


class InvalidTypeError(InvalidArgumentError, TypeError):
    """GT_EINVAL raised for a value of the wrong Python type."""


class ScheduleError(InvalidArgumentError):
    """A business schedule that cannot be used: an unknown time zone,
    weekly hours that do not parse (status GT_EPARSE), a holiday that is
    not a date. The message names the problem and the offending text."""


class LimitError(GiveTakeError, MemoryError):
    """GT_ENOMEM: an allocation failed or a size limit was hit."""
    status = A.GT_ENOMEM


class LexiconParseError(GiveTakeError, ValueError):
    """GT_EPARSE: lexicon text could not be parsed (the message names the line)."""
    status = A.GT_EPARSE


class Utf8Error(GiveTakeError, UnicodeError):
    """GT_EUTF8: a text is not valid UTF-8."""
    status = A.GT_EUTF8


class RangeError(GiveTakeError, ValueError):
    """GT_ERANGE: a value is out of range (a timestamp outside years 1..9999, NaN, ...)."""
    status = A.GT_ERANGE


class StateError(GiveTakeError):
    """GT_ESTATE: the call is not valid in the object's state."""
    status = A.GT_ESTATE


class CanceledError(GiveTakeError):
    """GT_ECANCELED: stopped by the interrupt callback."""
    status = A.GT_ECANCELED


BY_STATUS = {c.status: c for c in (InvalidArgumentError, LimitError, LexiconParseError, Utf8Error,
                                   RangeError, StateError, CanceledError)}


def error_for(status: int, message: str = "") -> GiveTakeError:
    """The exception for a library status; message defaults to gt_strerror."""
    cls = BY_STATUS.get(status, GiveTakeError)
    if not message:
        message = A.abi().strerror(status)
    return cls(message, status)


def check(status: int, what: str, errmsg: Optional[bytes] = None) -> None:
    """Raise the matching error unless status is GT_OK."""
    if status == A.GT_OK:
        return
    detail = errmsg.decode("utf-8", "replace") if errmsg else ""
    name = A.abi().strerror(status)
    raise error_for(status, f"{what}: {detail or name}")
