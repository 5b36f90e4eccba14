"""Business schedules (docs/metrics.md section 3b): a time zone, weekly
open hours and holidays, over gt_schedule.

The library reads no tz database: the zone's UTC offsets come from the
standard library's ``zoneinfo`` (the system tz database, else the
``tzdata`` package), probed once a day over a span of years and bisected
to the second at every change, then handed to gt_schedule_set. The span
is 1970-2100 by default and widens (in whole decades) when a schedule is
asked about, or scores rows, outside it; each zone and span is computed
once per process.
"""
from __future__ import annotations

import ctypes as C
import datetime as dt
import threading
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy as np

from . import _abi as A
from . import _columns
from .errors import InvalidTypeError, ScheduleError, StateError, check

_UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_DAY = dt.date(1970, 1, 1)
_DEFAULT_YEARS = (1970, 2100)
_UTC_NAMES = ("UTC", "Etc/UTC")

_offsets_cache: Dict[Tuple[str, int, int], Tuple[np.ndarray, np.ndarray]] = {}
_offsets_lock = threading.Lock()


def _zone(name: str) -> Any:
    import zoneinfo
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        hint = "" if zoneinfo.available_timezones() else " (no tz database found: install tzdata)"
        raise ScheduleError(f"unknown time zone {name!r}{hint}") from None


def zone_offsets(name: str, first_year: int, last_year: int) -> Tuple[np.ndarray, np.ndarray]:
    """(transitions in Unix seconds, UTC offsets in seconds) of zone
    ``name`` from Jan 1 of first_year through Dec 31 of last_year, as
    gt_schedule_set takes them: the first entry is the offset at the start
    of the span (it also applies before), then one entry per change."""
    key = (name, first_year, last_year)
    with _offsets_lock:
        hit = _offsets_cache.get(key)
    if hit is not None:
        return hit
    if name in _UTC_NAMES:
        out = (np.zeros(0, np.int64), np.zeros(0, np.int32))
    else:
        zone = _zone(name)

        def offset(t: int) -> int:
            return int(dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds())

        start = int((dt.datetime(first_year, 1, 1, tzinfo=_UTC) - _EPOCH).total_seconds())
        times: List[int] = [start]
        offs: List[int] = [offset(start)]
        prev_t, prev = start, offs[0]
        # Daily probes: zone.fromutc on an aware datetime holding the UTC
        # wall time is the fastest way through zoneinfo (~3 us a probe).
        day, probe = dt.timedelta(days=1), dt.datetime(first_year, 1, 1, tzinfo=zone) + dt.timedelta(days=1)
        prev_delta = dt.timedelta(seconds=prev)
        fromutc, t = zone.fromutc, start + 86400
        while probe.year <= last_year:
            delta = fromutc(probe).utcoffset()
            if delta != prev_delta:
                cur = int(delta.total_seconds())
                while cur != prev:  # bisect each change in (prev_t, t] to the second
                    lo, hi = prev_t, t  # offset(lo) == prev, offset(hi) != prev
                    while hi - lo > 1:
                        mid = (lo + hi) // 2
                        if offset(mid) == prev:
                            lo = mid
                        else:
                            hi = mid
                    times.append(hi)
                    offs.append(offset(hi))
                    prev_t, prev = hi, offs[-1]
                prev_delta = delta
            prev_t, probe, t = t, probe + day, t + 86400
        out = (np.array(times, np.int64), np.array(offs, np.int32))
    with _offsets_lock:
        _offsets_cache[key] = out
    return out


def _holiday(x: Any) -> int:
    """A holiday -> days since 1970-01-01."""
    if isinstance(x, dt.datetime):
        raise ScheduleError(f"holiday {x!r} is a datetime; give a date (datetime.date or 'YYYY-MM-DD')")
    if isinstance(x, str):
        try:
            if len(x.strip()) != 10:
                raise ValueError
            x = dt.date.fromisoformat(x.strip())
        except ValueError:
            raise ScheduleError(f"holiday {x!r} is not a date YYYY-MM-DD") from None
    if isinstance(x, np.datetime64):
        raise ScheduleError(f"holiday {x!r} is a timestamp; give a date (datetime.date or 'YYYY-MM-DD')")
    if not isinstance(x, dt.date):
        raise ScheduleError(f"holiday {x!r} is not a date (datetime.date or 'YYYY-MM-DD')")
    return (x - _EPOCH_DAY).days


def _year_of(us: int) -> int:
    days = us // 86_400_000_000
    return (_EPOCH_DAY + dt.timedelta(days=max(min(days, 2_932_896), -719_162))).year


class Schedule:
    """Business hours in a time zone, with holidays.

    zone: an IANA zone name ("Europe/Berlin"; "UTC").
    hours: the weekly open hours, e.g.
        ``"Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00"`` (groups
        separated by ``;``, days Mon..Sun as a range or a comma list,
        intervals ``HH:MM-HH:MM``, an end may be 24:00); empty means open
        all week except on the holidays.
    holidays: local dates on which no business time passes
        (``datetime.date`` or ``"YYYY-MM-DD"``).

    A bad zone, hours text or holiday raises :class:`ScheduleError`
    naming it. A schedule may be shared between threads (calls on it are
    serialized); score() copies it into the scorer. ``close()`` frees the
    library's handle now (garbage collection does otherwise).
    """

    def __init__(self, zone: Any, hours: str = "", holidays: Iterable[Any] = ()):
        abi = A.abi()
        if not abi.has_schedules:
            raise StateError(f"this libgivetake ({abi.version}) has no business schedules", A.GT_ESTATE)
        if type(zone).__name__ == "ZoneInfo":
            zone = zone.key
        if not isinstance(zone, str):
            raise InvalidTypeError(f"zone must be an IANA time zone name (str), got {type(zone).__name__}")
        if hours is None:
            hours = ""
        if not isinstance(hours, str):
            raise InvalidTypeError(f"hours must be a str like 'Mon-Fri 09:00-17:00', got {type(hours).__name__}")
        if isinstance(holidays, (str, dt.date)):
            holidays = [holidays]
        self.zone = zone
        self.hours = hours
        days = sorted({_holiday(h) for h in holidays})
        self.holidays = tuple(_EPOCH_DAY + dt.timedelta(days=d) for d in days)
        self._days = np.array(days, np.int32)
        if zone not in _UTC_NAMES:
            _zone(zone)  # fail on an unknown zone before computing anything
        self._abi = abi
        self._lock = threading.RLock()
        h = C.c_void_p()
        check(abi.lib.gt_schedule_new(C.byref(h)), "gt_schedule_new")
        self._h: Optional[int] = h.value
        self._years = (0, -1)
        self._cover(*_DEFAULT_YEARS)

    def _cover(self, first_year: int, last_year: int) -> None:
        """Hand the library the zone's offsets over at least these years."""
        with self._lock:
            lo, hi = self._years
            if lo <= first_year and last_year <= hi:
                return
            if hi >= lo:
                first_year, last_year = min(lo, first_year), max(hi, last_year)
            first_year = max(1, first_year - first_year % 10)
            last_year = min(9999, last_year + (9 - last_year % 10))
            t, o = zone_offsets(self.zone, first_year, last_year)
            text = self.hours.encode("utf-8", "surrogatepass")
            lib = self._abi.lib
            rc = lib.gt_schedule_set(self._handle(), t.ctypes.data_as(C.POINTER(C.c_int64)),
                                     o.ctypes.data_as(C.POINTER(C.c_int32)), len(t), text, len(text),
                                     self._days.ctypes.data_as(C.POINTER(C.c_int32)), len(self._days))
            if rc != A.GT_OK:
                msg = lib.gt_schedule_errmsg(self._h)
                raise ScheduleError(msg.decode("utf-8", "replace") if msg else self._abi.strerror(rc), rc)
            self._years = (first_year, last_year)

    def _cover_us(self, lo_us: int, hi_us: int) -> None:
        """Cover instants lo..hi (microseconds), with a year's margin."""
        self._cover(_year_of(lo_us) - 1, _year_of(hi_us) + 1)

    def _handle(self) -> int:
        if self._h is None:
            raise StateError("the schedule was closed", A.GT_ESTATE)
        return self._h

    def business_seconds(self, start: Any, end: Any) -> float:
        """Business seconds between two instants (datetime, naive = UTC;
        ISO text; Unix seconds); 0 when end <= start."""
        a, b = _columns.time_us(start), _columns.time_us(end)
        with self._lock:
            self._cover_us(min(a, b), max(a, b))
            out = C.c_double()
            check(self._abi.lib.gt_schedule_business_time(C.byref(out), self._handle(), a, b), "business_seconds")
            return out.value

    def local_date(self, instant: Any) -> dt.date:
        """The date of an instant in the schedule's zone."""
        us = _columns.time_us(instant)
        with self._lock:
            self._cover_us(us, us)
            day = C.c_int64()
            check(self._abi.lib.gt_schedule_local_day(C.byref(day), self._handle(), us), "local_date")
            return _EPOCH_DAY + dt.timedelta(days=day.value)

    def close(self) -> None:
        """Free the library's handle; the schedule is unusable after."""
        with self._lock:
            if self._h is not None:
                self._abi.lib.gt_schedule_free(self._h)
                self._h = None

    def __del__(self) -> None:
        if getattr(self, "_h", None) is not None:
            self._abi.lib.gt_schedule_free(self._h)
            self._h = None

    def __enter__(self) -> "Schedule":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        hol = f", holidays={[d.isoformat() for d in self.holidays]!r}" if self.holidays else ""
        return f"Schedule({self.zone!r}, {self.hours!r}{hol})"
