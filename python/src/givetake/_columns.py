"""Input tables -> numpy columns for gt_interaction, in bulk.

A table is a pandas.DataFrame, a pyarrow.Table / RecordBatch, a mapping of
column name -> values, or an iterable of dicts (rows). Typed columns
(int64, float64, bool, datetime64, Arrow) convert without a Python loop;
object columns of mixed values take a per-value path that names the row
and column of anything it cannot use.

Missing values follow `givetake score` reading a table: a missing
boolean is false, a missing value is 0, a missing or unknown channel or
kind makes the row an anomaly (counted, otherwise ignored); a missing id,
account_id or created_at is an error.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import numpy as np

from . import _abi as A
from . import _text
from .errors import InvalidArgumentError, InvalidTypeError, RangeError

REQUIRED = ("id", "account_id", "channel", "kind", "inbound", "created_at")
OPTIONAL = ("contact_id", "parent_id", "automated", "has_media", "author_name", "body", "value",
            "thread_id", "agent_id")
COLUMNS = REQUIRED + OPTIONAL
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_I64_LIMIT = 2.0 ** 63


class Table:
    """Uniform access to the columns of any supported input."""

    def __init__(self, rows: Any):
        self.kind = "rows"
        self.index = None
        mod = type(rows).__module__
        if mod.startswith("pandas") and type(rows).__name__ == "DataFrame":
            self.kind, self.n, self.index = "pandas", len(rows), rows.index
            self._get: Callable[[str], Any] = lambda c: rows[c]
            self.names = [str(c) for c in rows.columns]
        elif mod.startswith("pyarrow") and hasattr(rows, "schema") and hasattr(rows, "column"):
            self.kind, self.n = "arrow", rows.num_rows
            self._get = lambda c: rows.column(c)
            self.names = list(rows.schema.names)
        elif isinstance(rows, Mapping):
            self.kind = "mapping"
            lens = {len(v) for v in rows.values()}
            if len(lens) > 1:
                raise InvalidArgumentError(f"columns have different lengths: {sorted(lens)}")
            self.n = lens.pop() if lens else 0
            self._get = lambda c: rows[c]
            self.names = [str(c) for c in rows.keys()]
        else:
            if isinstance(rows, (str, bytes)):
                raise InvalidTypeError("rows must be a DataFrame, an Arrow table or an iterable of dicts")
            try:
                data = list(rows)
            except TypeError:
                raise InvalidTypeError(f"rows must be a DataFrame, an Arrow table or an iterable of dicts, "
                                       f"got {type(rows).__name__}") from None
            for i, r in enumerate(data):
                if not isinstance(r, Mapping):
                    raise InvalidTypeError(f"row {i}: expected a dict of column -> value, got {type(r).__name__}")
            names: Dict[str, None] = {}
            for r in data[:1000]:
                names.update(dict.fromkeys(r))
            self.n, self.names = len(data), [str(c) for c in names]
            present = set(self.names) | {c for r in data for c in r} if len(data) > 1000 else set(self.names)
            self.names = [c for c in COLUMNS if c in present] + [c for c in self.names if c not in COLUMNS]
            self._get = lambda c: [r.get(c) for r in data]

    def has(self, name: str) -> bool:
        return name in self.names

    def column(self, name: str) -> Any:
        return self._get(name)

    def where(self, row: int) -> str:
        """How to name row i in a message: its position, and the index label."""
        if self.index is not None and not _is_range_index(self.index):
            return f"row {row} (index {self.index[row]!r})"
        return f"row {row}"


def _is_range_index(index: Any) -> bool:
    return type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1


# ---- value kinds ---------------------------------------------------------------


def _np_kind(values: Any) -> Tuple[Optional[np.ndarray], Optional[np.ndarray]]:
    """(numpy values, null mask) for typed pandas / Arrow / numpy columns;
    (None, None) when the column holds Python objects."""
    if _text.is_pandas_series(values):
        dt_ = values.dtype
        if getattr(dt_, "kind", "O") in "iufbM" and not hasattr(dt_, "na_value"):
            return values.to_numpy(), None
        if type(dt_).__name__ == "DatetimeTZDtype":
            return values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(), None
        if hasattr(dt_, "numpy_dtype") and getattr(dt_, "kind", "O") in "iufb":  # nullable Int64, boolean
            mask = values.isna().to_numpy()
            fill = False if dt_.kind == "b" else 0
            return values.to_numpy(dtype=dt_.numpy_dtype, na_value=fill), mask if mask.any() else None
        if type(dt_).__name__ == "ArrowDtype":
            import pyarrow as pa
            return _np_kind(pa.chunked_array(values.array._pa_array) if hasattr(values.array, "_pa_array")
                            else pa.array(values.array))
        return None, None
    if _text.is_arrow(values):
        import pyarrow as pa
        import pyarrow.compute as pc
        t = values.type
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or \
                pa.types.is_timestamp(t):
            mask = values.is_null().to_numpy(zero_copy_only=False) if values.null_count else None
            if values.null_count:
                values = values.fill_null(False if pa.types.is_boolean(t) else 0)
            if pa.types.is_timestamp(t):
                values = pc.cast(values, pa.timestamp("us", tz=t.tz)) if t.unit != "us" else values
                arr = values.to_numpy(zero_copy_only=False) if isinstance(values, pa.ChunkedArray) \
                    else values.to_numpy(zero_copy_only=False)
                arr = np.asarray(arr).astype("datetime64[us]")
                if mask is not None:
                    arr = arr.copy()
                    arr[mask] = np.datetime64("NaT")
                return arr, None
            arr = np.asarray(values.to_numpy(zero_copy_only=False) if isinstance(values, pa.ChunkedArray)
                             else values.to_numpy(zero_copy_only=False))
            return arr, mask
        return None, None
    if isinstance(values, np.ndarray) and values.dtype.kind in "iufbM":
        return values, None
    return None, None


def _objects(values: Any) -> List[Any]:
    if _text.is_pandas_series(values):
        return values.tolist()
    if _text.is_arrow(values):
        return values.to_pylist()
    return list(values)


class Converter:
    """Column converters that name row and column in every error."""

    def __init__(self, table: Table):
        self.t = table

    def fail(self, cls: type, row: int, column: str, what: str) -> Exception:
        return cls(f"{self.t.where(row)}, column {column!r}: {what}", A.GT_EINVAL if cls is not RangeError
                   else A.GT_ERANGE)

    # ints ----------------------------------------------------------------------

    def ints(self, name: str, nullable: bool) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """(int64 values, present mask or None if all present)."""
        values = self.t.column(name)
        arr, mask = _np_kind(values)
        if arr is not None:
            k = arr.dtype.kind
            if k in "iu":
                if k == "u" and arr.dtype.itemsize == 8 and len(arr) and arr.max() >= 2 ** 63:
                    raise self.fail(RangeError, int(np.argmax(arr >= 2 ** 63)), name, "does not fit in int64")
                out = arr.astype(np.int64, copy=False)
            elif k == "f":
                nan = np.isnan(arr)
                mask = nan if mask is None else (mask | nan)
                ok = np.where(mask, 0.0, arr)
                bad = (ok != np.trunc(ok)) | (np.abs(ok) >= _I64_LIMIT)
                if bad.any():
                    i = int(np.argmax(bad))
                    raise self.fail(InvalidArgumentError, i, name, f"{arr[i]!r} is not an integer id")
                out = ok.astype(np.int64)
            else:
                raise InvalidTypeError(f"column {name!r}: expected integers, got dtype {arr.dtype}")
        else:
            objs = _objects(values)
            out = np.zeros(len(objs), dtype=np.int64)
            m = np.zeros(len(objs), dtype=bool)
            for i, x in enumerate(objs):
                if _text.is_missing(x):
                    m[i] = True
                elif isinstance(x, (bool, np.bool_)):
                    raise self.fail(InvalidTypeError, i, name, f"expected an integer, got {x!r}")
                elif isinstance(x, (int, np.integer)):
                    if not -2 ** 63 <= int(x) < 2 ** 63:
                        raise self.fail(RangeError, i, name, f"{x} does not fit in int64")
                    out[i] = int(x)
                elif isinstance(x, (float, np.floating)) and float(x).is_integer() and abs(float(x)) < _I64_LIMIT:
                    out[i] = int(x)
                else:
                    raise self.fail(InvalidTypeError if not isinstance(x, float) else InvalidArgumentError,
                                    i, name, f"expected an integer, got {x!r}")
            mask = m if m.any() else None
        if mask is not None and not mask.any():
            mask = None
        if mask is not None and not nullable:
            raise self.fail(InvalidArgumentError, int(np.argmax(mask)), name, "is missing (None/NaN)")
        return out, (None if mask is None else ~mask)

    # booleans --------------------------------------------------------------------

    def bools(self, name: str) -> np.ndarray:
        values = self.t.column(name)
        arr, mask = _np_kind(values)
        if arr is not None:
            if arr.dtype.kind == "M":
                raise InvalidTypeError(f"column {name!r}: expected booleans, got dtype {arr.dtype}")
            if arr.dtype.kind == "f":
                arr = np.where(np.isnan(arr), 0.0, arr)
            out = arr != 0
            if mask is not None:
                out &= ~mask
            return out
        objs = _objects(values)
        out = np.zeros(len(objs), dtype=bool)
        for i, x in enumerate(objs):
            if _text.is_missing(x):
                continue
            if isinstance(x, (bool, np.bool_, int, np.integer, float, np.floating)):
                out[i] = bool(x)
            elif isinstance(x, str) and x[:1].lower() in ("t", "y", "1", "f", "n", "0") and x.strip():
                out[i] = x[:1].lower() in ("t", "y", "1")
            else:
                raise self.fail(InvalidTypeError, i, name, f"{x!r} is not a boolean")
        return out

    # floats ----------------------------------------------------------------------

    def floats(self, name: str) -> np.ndarray:
        values = self.t.column(name)
        arr, mask = _np_kind(values)
        if arr is not None:
            if arr.dtype.kind not in "iufb":
                raise InvalidTypeError(f"column {name!r}: expected numbers, got dtype {arr.dtype}")
            out = arr.astype(np.float64)
            out[np.isnan(out)] = 0.0
            if mask is not None:
                out[mask] = 0.0
            return out
        objs = _objects(values)
        out = np.zeros(len(objs), dtype=np.float64)
        for i, x in enumerate(objs):
            if _text.is_missing(x):
                continue
            if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)):
                out[i] = float(x)
            else:
                raise self.fail(InvalidTypeError, i, name, f"expected a number, got {x!r}")
        return out

    # enums -----------------------------------------------------------------------

    def codes(self, name: str, parse: Callable[[bytes, int], int], count: int) -> np.ndarray:
        """Channel / kind names -> codes; unknown or missing -> -1."""
        values = self.t.column(name)
        arr, _ = _np_kind(values)
        if arr is not None and len(arr) == 0:
            return np.zeros(0, np.int32)
        if arr is not None and arr.dtype.kind in "iu":
            return np.where((arr >= 0) & (arr < count), arr, -1).astype(np.int32)
        if arr is not None:
            raise InvalidTypeError(f"column {name!r}: expected names (str), got dtype {arr.dtype}")

        def code(x: Any, row: Callable[[], int]) -> int:
            if _text.is_missing(x):
                return -1
            if isinstance(x, bytes):
                return parse(x, len(x))
            if not isinstance(x, str):
                raise self.fail(InvalidTypeError, row(), name, f"expected a name, got {x!r}")
            b = x.encode("utf-8", "surrogatepass")
            return parse(b, len(b))

        if _text.is_pandas_series(values):
            import pandas as pd
            if isinstance(values.dtype, pd.CategoricalDtype):
                cats, idx = list(values.cat.categories), values.cat.codes.to_numpy()
            else:
                idx, cats = pd.factorize(values, use_na_sentinel=True)
                cats = list(cats)
            table = np.array([code(c, lambda k=k: int(np.argmax(idx == k)))  # type: ignore[misc]
                              for k, c in enumerate(cats)] + [-1],
                             np.int32)
            return table[idx]  # idx -1 (missing) takes the last entry
        if _text.is_arrow(values):
            import pyarrow as pa
            chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
            parts = []
            for ch in chunks:
                enc = ch if pa.types.is_dictionary(ch.type) else ch.dictionary_encode()
                cats = enc.dictionary.to_pylist()
                idx = enc.indices.fill_null(len(cats)).to_numpy(zero_copy_only=False)
                table = np.array([code(c, lambda: 0) for c in cats] + [-1], np.int32)
                parts.append(table[idx])
            return np.concatenate(parts) if parts else np.zeros(0, np.int32)
        cache: Dict[Any, int] = {}
        objs = _objects(values)
        out = np.empty(len(objs), dtype=np.int32)
        for i, x in enumerate(objs):
            try:
                c = cache[x]
            except KeyError:
                c = cache[x] = code(x, lambda i=i: i)  # type: ignore[misc]
            except TypeError:  # unhashable
                c = code(x, lambda i=i: i)  # type: ignore[misc]
            out[i] = c
        return out

    # timestamps ------------------------------------------------------------------

    def times(self, name: str) -> np.ndarray:
        """Microseconds since the epoch (UTC). Accepts datetime64 / tz-aware
        columns, datetime objects, ISO-8601 strings and numbers (Unix
        seconds, as the CLI reads an INTEGER/REAL created_at)."""
        values = self.t.column(name)
        arr, mask = _np_kind(values)
        if arr is not None:
            if arr.dtype.kind == "M":
                nat = np.isnat(arr)
                if nat.any():
                    raise self.fail(InvalidArgumentError, int(np.argmax(nat)), name, "is missing (NaT)")
                return arr.astype("datetime64[us]").view(np.int64)
            if arr.dtype.kind in "iuf":
                f = arr.astype(np.float64)
                bad = ~np.isfinite(f) if mask is None else (~np.isfinite(f) | mask)
                if bad.any():
                    i = int(np.argmax(bad))
                    raise self.fail(InvalidArgumentError if mask is not None and mask[i] or np.isnan(f[i])
                                    else RangeError, i, name, "is missing (None/NaN)" if np.isnan(f[i]) or
                                    (mask is not None and mask[i]) else f"{f[i]!r} is not a time")
                if arr.dtype.kind in "iu":
                    big = np.abs(arr.astype(np.float64)) >= 260_000_000_000
                    if big.any():
                        i = int(np.argmax(big))
                        raise self.fail(RangeError, i, name, f"{arr[i]} Unix seconds is out of range")
                    return arr.astype(np.int64) * 1_000_000
                us = np.round(f * 1e6)
                big = np.abs(us) >= 2.0 ** 62
                if big.any():
                    i = int(np.argmax(big))
                    raise self.fail(RangeError, i, name, f"{f[i]!r} Unix seconds is out of range")
                return us.astype(np.int64)
            raise InvalidTypeError(f"column {name!r}: expected timestamps, got dtype {arr.dtype}")
        objs = _objects(values)
        out = np.zeros(len(objs), dtype=np.int64)
        for i, x in enumerate(objs):
            out[i] = self.time_value(x, name, i)
        return out

    def time_value(self, x: Any, name: str, row: int) -> int:
        try:
            return time_us(x)
        except (InvalidTypeError, InvalidArgumentError, RangeError) as e:
            cls = type(e)
            raise cls(f"{self.t.where(row)}, column {name!r}: {e.message}", e.status) from None


def time_us(x: Any) -> int:
    """One time value -> microseconds since the epoch, UTC."""
    if _text.is_missing(x):
        raise InvalidArgumentError("is missing (None/NaN/NaT)")
    if isinstance(x, (bool, np.bool_)):
        raise InvalidTypeError(f"{x!r} is not a time")
    if isinstance(x, np.datetime64):
        if np.isnat(x):
            raise InvalidArgumentError("is missing (NaT)")
        return int(x.astype("datetime64[us]").astype(np.int64))
    if isinstance(x, str):
        s = x.strip()
        try:
            x = dt.datetime.fromisoformat(s)
        except ValueError:
            raise InvalidArgumentError(f"{s!r} is not an ISO-8601 time ('YYYY-MM-DD HH:MM:SS[.ffffff]')") from None
    if isinstance(x, dt.datetime):
        if x.tzinfo is None:
            x = x.replace(tzinfo=dt.timezone.utc)
        d = x - _EPOCH
        return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    if isinstance(x, dt.date):
        return (x - _EPOCH.date()).days * 86_400_000_000
    if isinstance(x, (int, np.integer)):
        if abs(int(x)) >= 260_000_000_000:
            raise RangeError(f"{x} Unix seconds is out of range")
        return int(x) * 1_000_000
    if isinstance(x, (float, np.floating)):
        if not math.isfinite(x) or abs(float(x)) >= 2.0 ** 62 / 1e6:
            raise RangeError(f"{x!r} is not a time")
        return int(round(float(x) * 1e6))
    raise InvalidTypeError(f"{type(x).__name__} {x!r} is not a time")
