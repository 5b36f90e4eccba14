"""Columns of texts -> (pointer, length) arrays for gt_text, in bulk.

Python strings are joined into one UTF-8 buffer and the offsets computed
with numpy; Arrow string arrays are used in place (their offsets and data
buffers, no copy). Nothing here calls into the library per row. Lone
surrogates are encoded as is ("surrogatepass"), so the library rejects
them as invalid UTF-8 like any other bad byte sequence.
"""
from __future__ import annotations

import ctypes as C
import math
from itertools import compress
from typing import Any, List, Optional, Sequence

import numpy as np

from .errors import InvalidTypeError

_EMPTY = C.create_string_buffer(1)  # a non-NULL address for empty texts
_EMPTY_ADDR = C.addressof(_EMPTY)


class TextColumn:
    """n texts as absolute addresses (0 = NULL) and byte lengths; ``keep``
    holds the buffers the addresses point into."""

    __slots__ = ("ptrs", "lens", "keep")

    def __init__(self, ptrs: np.ndarray, lens: np.ndarray, keep: List[Any]):
        self.ptrs, self.lens, self.keep = ptrs, lens, keep

    def __len__(self) -> int:
        return len(self.ptrs)

    def gt_texts(self) -> np.ndarray:
        """A contiguous (n, 2) uint64 array laid out as gt_text[n]; it keeps
        this column (and so the bytes it points into) alive."""
        arr = np.ascontiguousarray(np.stack([self.ptrs, self.lens], axis=1)).view(_GtTexts)
        arr.owner = self
        return arr


class _GtTexts(np.ndarray):
    owner: Any = None


def _address(buf: bytes) -> int:
    if not buf:
        return _EMPTY_ADDR
    return np.frombuffer(buf, dtype=np.uint8).ctypes.data


def _from_buffer(buf: bytes, lens: np.ndarray, nulls: Optional[np.ndarray]) -> TextColumn:
    lens = lens.astype(np.uint64, copy=False)
    starts = np.empty(len(lens), dtype=np.uint64)
    if len(lens):
        starts[0] = 0
        np.cumsum(lens[:-1], out=starts[1:])
    ptrs = starts + np.uint64(_address(buf))
    if nulls is not None:
        ptrs[nulls] = 0
    return TextColumn(ptrs, lens, [buf])


def is_missing(x: Any) -> bool:
    """None, NaN, pandas.NA / NaT: a missing value."""
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    return type(x).__name__ in ("NAType", "NaTType")


_pyarrow: Any = None


def _arrow_module() -> Any:
    global _pyarrow
    if _pyarrow is None:
        try:
            import pyarrow
            _pyarrow = pyarrow
        except ImportError:
            _pyarrow = False
    return _pyarrow


def from_strings(items: List[Any], column: str, nulls: Optional[np.ndarray] = None) -> TextColumn:
    """A list of str (the fast path), or of str / bytes / missing values.

    With pyarrow installed, its C++ converter encodes the list (about 5x
    faster than joining in Python); anything it refuses (lone surrogates,
    other types) takes the pure-Python path, which names the bad row.
    """
    n = len(items)
    pa = _arrow_module()
    if pa and n >= 1024:
        try:
            col = from_arrow(pa.array(items, type=pa.large_string(), from_pandas=True), column)
        except Exception:
            pass
        else:
            if nulls is not None:
                col.ptrs[nulls] = 0
            return col
    return _from_strings_numpy(items, column, nulls)


def _from_strings_numpy(items: List[Any], column: str, nulls: Optional[np.ndarray]) -> TextColumn:
    """ASCII texts are joined and encoded at once; the others (encoded one
    by one) go to a second buffer, so one emoji does not widen the whole
    joined string. The pointers need not follow row order."""
    n = len(items)
    try:
        ascii_ = np.fromiter(map(str.isascii, items), dtype=bool, count=n)
    except TypeError:  # not all str
        return _from_mixed(items, column)
    if ascii_.all():
        buf = "".join(items).encode("ascii")
        return _from_buffer(buf, np.fromiter(map(len, items), dtype=np.int64, count=n), nulls)
    narrow = list(compress(items, ascii_.tolist()))
    wide_rows = np.flatnonzero(~ascii_)
    wide = [items[i].encode("utf-8", "surrogatepass") for i in wide_rows.tolist()]
    a = _from_buffer("".join(narrow).encode("ascii"), np.fromiter(map(len, narrow), dtype=np.int64,
                                                                  count=len(narrow)), None)
    w = _from_buffer(b"".join(wide), np.fromiter(map(len, wide), dtype=np.int64, count=len(wide)), None)
    ptrs = np.empty(n, dtype=np.uint64)
    lens = np.empty(n, dtype=np.uint64)
    ptrs[ascii_], lens[ascii_] = a.ptrs, a.lens
    ptrs[wide_rows], lens[wide_rows] = w.ptrs, w.lens
    if nulls is not None:
        ptrs[nulls] = 0
    return TextColumn(ptrs, lens, a.keep + w.keep)


def _from_mixed(items: Sequence[Any], column: str) -> TextColumn:
    n = len(items)
    parts: List[bytes] = []
    nulls = np.zeros(n, dtype=bool)
    for i, x in enumerate(items):
        if isinstance(x, str):
            parts.append(x.encode("utf-8", "surrogatepass"))
        elif isinstance(x, (bytes, bytearray, memoryview)):
            parts.append(bytes(x))
        elif is_missing(x):
            parts.append(b"")
            nulls[i] = True
        else:
            raise InvalidTypeError(f"row {i}, column {column!r}: expected str, bytes or None, "
                                   f"got {type(x).__name__}")
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=n)
    return _from_buffer(b"".join(parts), lens, nulls if nulls.any() else None)


def from_arrow(arr: Any, column: str) -> TextColumn:
    """A pyarrow (Chunked)Array of strings or binaries, used in place."""
    import pyarrow as pa

    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    ptrs, lens, keep = [], [], []
    for ch in chunks:
        t = ch.type
        if pa.types.is_dictionary(t):
            ch = ch.dictionary_decode()
            t = ch.type
        if getattr(pa.types, "is_string_view", lambda _: False)(t) or \
                getattr(pa.types, "is_binary_view", lambda _: False)(t):
            ch = ch.cast(pa.large_binary())
            t = ch.type
        if pa.types.is_null(t):
            ptrs.append(np.zeros(len(ch), dtype=np.uint64))
            lens.append(np.zeros(len(ch), dtype=np.uint64))
            continue
        large = pa.types.is_large_string(t) or pa.types.is_large_binary(t)
        if not (large or pa.types.is_string(t) or pa.types.is_binary(t)):
            raise InvalidTypeError(f"column {column!r}: expected an Arrow string or binary array, got {t}")
        n = len(ch)
        bufs = ch.buffers()
        if n == 0:
            continue
        offs = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32,
                             count=ch.offset + n + 1)[ch.offset:].astype(np.uint64)
        data = bufs[2]
        base = data.address if data is not None and data.size > 0 else _EMPTY_ADDR
        p = offs[:-1] + np.uint64(base)
        if ch.null_count:
            p[ch.is_null().to_numpy(zero_copy_only=False)] = 0
        ptrs.append(p)
        lens.append(np.diff(offs))
        keep.append(ch)
    if not ptrs:
        return TextColumn(np.zeros(0, np.uint64), np.zeros(0, np.uint64), keep)
    return TextColumn(np.concatenate(ptrs), np.concatenate(lens), keep)


def is_arrow(x: Any) -> bool:
    mod = type(x).__module__
    return mod.startswith("pyarrow") and hasattr(x, "type") and hasattr(x, "null_count")


def is_pandas_series(x: Any) -> bool:
    return type(x).__module__.startswith("pandas") and type(x).__name__ == "Series"


def _arrow_backed(series: Any) -> bool:
    dt = series.dtype
    return getattr(dt, "storage", None) in ("pyarrow", "pyarrow_numpy") or type(dt).__name__ == "ArrowDtype"


def from_any(values: Any, column: str) -> TextColumn:
    """Any of: a pyarrow array, a pandas Series, a numpy array, a list or
    any other iterable of str / bytes / None."""
    if is_arrow(values):
        return from_arrow(values, column)
    if is_pandas_series(values):
        if _arrow_backed(values):
            import pyarrow as pa
            return from_arrow(pa.array(values.array), column)
        import pandas as pd
        obj = values.to_numpy(dtype=object)
        mask = pd.isna(obj)
        if mask.any():
            obj = obj.copy()
            obj[mask] = ""
            return _with_nulls(from_strings(obj.tolist(), column), mask)
        return from_strings(obj.tolist(), column)
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise InvalidTypeError(f"column {column!r}: expected a 1-dimensional array, got shape {values.shape}")
        return from_strings(values.tolist(), column)
    if isinstance(values, (str, bytes)):
        raise InvalidTypeError(f"column {column!r}: expected a sequence of texts, got a single {type(values).__name__}")
    if not isinstance(values, list):
        values = list(values)
    return from_strings(values, column)


def _with_nulls(col: TextColumn, mask: np.ndarray) -> TextColumn:
    col.ptrs[mask] = 0
    return col
