"""Scoring a table of interactions (docs/metrics.md): accounts, channels,
contacts, and, when the library has them, turns and agents."""
from __future__ import annotations

import ctypes as C
import datetime as dt
import math
import threading
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Union

import numpy as np

from . import _abi as A
from . import _columns, _interrupt, _text
from .errors import InvalidArgumentError, InvalidTypeError, StateError, check
from .lexicon import Lexicon
from .schedule import Schedule

Seconds = Union[int, float, dt.timedelta]
_GIVE_TARGETS = {"80/20": 0.8, "4-1-1": 5 / 6, "thirds": 2 / 3}


def _seconds(x: Any, what: str) -> float:
    if isinstance(x, dt.timedelta):
        return x.total_seconds()
    if type(x).__name__ == "Timedelta":  # pandas
        return float(x.total_seconds())
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise InvalidTypeError(f"{what} must be seconds (a number) or a timedelta, got {type(x).__name__}")
    return float(x)


def _channel_code(name: Any) -> int:
    if isinstance(name, str):
        if name.lower() == "all":
            return A.GT_CHANNEL_ALL
        if name.lower() in A.CHANNELS:
            return A.CHANNELS.index(name.lower())
    raise InvalidArgumentError(f"unknown channel {name!r} (expected one of {', '.join(A.CHANNELS)} or 'all')")


def _schedule_key(key: Any) -> "tuple[int, int, int]":
    """A key of score(schedules=...) -> (has_account, account_id, channel)."""
    def account(a: Any) -> "tuple[int, int]":
        if a is None:
            return 0, 0
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)) or not -2 ** 63 <= a < 2 ** 63:
            raise InvalidArgumentError(f"schedules key {key!r}: the account must be an int64 account_id or None")
        return 1, int(a)

    if isinstance(key, tuple):
        if len(key) != 2:
            raise InvalidArgumentError(f"schedules key {key!r}: expected (account_id or None, channel)")
        has, acc = account(key[0])
        try:
            return has, acc, _channel_code(key[1])
        except InvalidArgumentError as e:
            raise InvalidArgumentError(f"schedules key {key!r}: {e.message}") from None
    has, acc = account(key)
    return has, acc, A.GT_CHANNEL_ALL


def _set_schedules(abi: "A.Abi", s: int, schedules: Any, lo_us: int, hi_us: int) -> None:
    items = [(None, schedules)] if isinstance(schedules, Schedule) else None
    if items is None:
        if not isinstance(schedules, Mapping):
            raise InvalidTypeError(f"schedules must be a givetake.Schedule or a mapping of key -> Schedule, "
                                   f"got {type(schedules).__name__}")
        items = list(schedules.items())
    for key, sched in items:
        has, acc, ch = _schedule_key(key)
        if not isinstance(sched, Schedule):
            raise InvalidTypeError(f"schedules[{key!r}] must be a givetake.Schedule, got {type(sched).__name__}")
        with sched._lock:
            sched._cover_us(lo_us, hi_us)
            check(abi.lib.gt_scorer_set_schedule(s, has, acc, ch, sched._handle()), f"schedules[{key!r}]",
                  abi.lib.gt_scorer_errmsg(s))


def _sla_clock_code(clock: Any, what: str) -> int:
    if isinstance(clock, str) and clock.lower() in A.SLA_CLOCKS:
        return A.SLA_CLOCKS.index(clock.lower())
    raise InvalidArgumentError(f"{what} must be 'calendar' or 'business', not {clock!r}")


# ---- results ---------------------------------------------------------------------


def _row_type(name: str, fields: List[str]) -> Any:
    return NamedTuple(name, [(f, Any) for f in fields])  # type: ignore[misc]


def _copy_rows(address: Optional[int], count: int, struct: Any) -> np.ndarray:
    dtype = np.dtype(struct)
    if not count:
        return np.zeros(0, dtype=dtype)
    raw = (C.c_char * (count * dtype.itemsize)).from_address(address)
    return np.frombuffer(raw, dtype=dtype).copy()


def _time_column(us: np.ndarray) -> np.ndarray:
    return us.astype("datetime64[us]")


# Column orders of docs/metrics.md section 7 (the CLI's score tables).
ACCOUNT_COLUMNS = (
    "account_id", "channel", "needs_ack", "pending", "acknowledged", "ack_rate", "personal_rate",
    "appreciative_rate", "sla_rate", "median_ack_s", "p90_ack_s", "median_ack_business_s", "p90_ack_business_s",
    "give_posts", "take_posts", "neutral_posts", "give_ratio", "me_index", "reply_share", "channel_fit",
    "contacts", "mean_trust", "conv_rate_ack", "conv_rate_ignored", "conversion_lift", "value_per_ack_contact",
    "give_attributed_leads", "health", "anomalies")


def _account_columns(a: np.ndarray, with_channel: bool) -> Dict[str, Any]:
    cols: Dict[str, Any] = {}
    for f in ACCOUNT_COLUMNS:
        if f == "channel":
            if with_channel:
                cols[f] = np.array(A.CHANNELS, dtype=object)[a["channel"]]
        elif f in (a.dtype.names or ()):  # business times: libraries that have them
            cols[f] = a[f]
    return cols


def _contact_columns(c: np.ndarray) -> Dict[str, Any]:
    return {"account_id": c["account_id"], "contact_id": c["contact_id"], "balance": c["balance"],
            "trust_score": c["trust_score"], "acknowledged": c["acknowledged"],
            "unacknowledged": c["unacknowledged"], "last_interaction_at": _time_column(c["last_interaction_at"])}


def _masked(values: np.ndarray, present: np.ndarray) -> Any:
    return ("masked", values, present)


def _turn_columns(t: np.ndarray) -> Dict[str, Any]:
    """Ids that are absent (flags) or mean nothing (a turn not acknowledged)
    become nulls; time_to_ack_s is already NaN there."""
    acked = t["status"] == 0
    fl = t["flags"]
    return {
        "account_id": t["account_id"], "turn_id": t["turn_id"],
        "thread_id": _masked(t["thread_id"], (fl & A.GT_TURN_HAS_THREAD) != 0),
        "contact_id": _masked(t["contact_id"], (fl & A.GT_TURN_HAS_CONTACT) != 0),
        "channel": np.array(A.CHANNELS, dtype=object)[t["channel"]],
        "started_at": _time_column(t["started_at"]), "inbound_rows": t["inbound_rows"],
        "status": np.array(A.TURN_STATUSES, dtype=object)[t["status"]],
        "first_ack_id": _masked(t["first_ack_id"], acked),
        "agent_id": _masked(t["agent_id"], acked & ((fl & A.GT_TURN_HAS_AGENT) != 0)),
        "time_to_ack_s": t["time_to_ack_s"], "business_time_to_ack_s": t["business_time_to_ack_s"],
        "personal": _masked(t["personal"] == 1, t["personal"] >= 0),
        "appreciative": _masked(t["appreciative"] == 1, t["appreciative"] >= 0),
        "within_sla": _masked(t["within_sla"] == 1, t["within_sla"] >= 0),
        "due_at": _time_column(t["due_at"]),
    }


PERIOD_COLUMNS = tuple(f for f, _ in A.PeriodScore._fields_)


def _period_columns(p: np.ndarray) -> Dict[str, Any]:
    cols: Dict[str, Any] = {f: p[f] for f in PERIOD_COLUMNS}
    epoch = dt.date(1970, 1, 1)
    cols["period_start"] = np.array([epoch + dt.timedelta(days=d) for d in p["period_start"].tolist()],
                                    dtype=object)
    return cols


def _agent_columns(g: np.ndarray) -> Dict[str, Any]:
    cols: Dict[str, Any] = {"account_id": g["account_id"], "agent_id": _masked(g["agent_id"], g["has_agent"] != 0)}
    for f in g.dtype.names or ():
        if f not in ("account_id", "agent_id", "has_agent", "reserved"):
            cols[f] = g[f]
    return cols


def _to_frame(cols: Dict[str, Any]) -> Any:
    import pandas as pd
    out: Dict[str, Any] = {}
    for k, v in cols.items():
        if isinstance(v, tuple) and v[0] == "masked":
            values, present = v[1], v[2]
            dtype = "boolean" if values.dtype == bool else "Int64"
            out[k] = pd.array(values, dtype=dtype)
            out[k][~present] = pd.NA
        elif v.dtype.kind == "M":
            out[k] = pd.DatetimeIndex(v).tz_localize("UTC")
        elif v.dtype == object and k == "period_start":
            out[k] = v
        elif v.dtype == object and k in ("channel", "status"):
            out[k] = pd.Categorical(v, categories=list(A.CHANNELS if k == "channel" else A.TURN_STATUSES))
        else:
            out[k] = v
    return pd.DataFrame(out)


def _to_tuples(cols: Dict[str, Any], row_type: Any) -> List[Any]:
    lists = []
    for v in cols.values():
        if isinstance(v, tuple) and v[0] == "masked":
            vals, present = v[1].tolist(), v[2].tolist()
            lists.append([x if p else None for x, p in zip(vals, present)])
        elif v.dtype.kind == "M":
            lists.append([dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=int(x))
                          for x in v.view(np.int64)])
        elif v.dtype.kind == "f":
            lists.append([None if math.isnan(x) else x for x in v.tolist()])
        elif v.dtype == object:
            lists.append(list(v))
        else:
            lists.append(v.tolist())
    return [row_type(*r) for r in zip(*lists)]


class _Engine:
    """A finished gt_scorer whose turn and agent rows have not been read
    yet (the library builds them on the first request). One thread at a
    time, as the header requires; freed by close() or garbage collection."""

    def __init__(self, abi: "A.Abi", handle: int):
        self.abi = abi
        self.handle: Optional[int] = handle
        self.lock = threading.Lock()

    def rows(self, name: str) -> np.ndarray:
        fn, struct = {"turns": (self.abi.lib.gt_scorer_turns, A.TurnScore),
                      "agents": (self.abi.lib.gt_scorer_agents, A.AgentScore)}[name]
        with self.lock:
            if self.handle is None:
                raise StateError(f"{name}: the result was closed before its {name} were read", A.GT_ESTATE)
            p, n = C.c_void_p(), C.c_size_t()
            check(fn(C.byref(p), C.byref(n), self.handle), name, self.abi.lib.gt_scorer_errmsg(self.handle))
            return _copy_rows(p.value, n.value, struct)

    def close(self) -> None:
        with self.lock:
            if self.handle is not None:
                self.abi.lib.gt_scorer_free(self.handle)
                self.handle = None

    def __del__(self) -> None:
        if getattr(self, "handle", None) is not None:
            self.abi.lib.gt_scorer_free(self.handle)
            self.handle = None


class ScoreResult:
    """The results of :func:`score`.

    Each table is a ``pandas.DataFrame`` when pandas is installed (nulls
    are NaN / <NA>, times are UTC timestamps) and a list of named tuples
    otherwise (nulls are None, times are aware ``datetime``):

    - ``accounts``: one row per account, all channels together
    - ``channels``: one row per account and channel
    - ``contacts``: one row per account and contact (the trust ledger)
    - ``turns``, ``agents``: one row per customer turn / per agent; None
      when the loaded library predates them
    - ``periods``: with ``period=``, one row per account and local period
      (``period_start`` a ``datetime.date``); None without
    - ``as_of``: the scoring time used; ``rows``: rows kept after dropping
      duplicates and unknown channel/kind rows.

    Turns and agents are read from the engine on first access (building
    them costs about as much as scoring again), so until both have been
    read the result holds the engine's working memory (~250 bytes per
    row): ``close()`` (or ``with givetake.score(...) as result:``) frees it.
    With a custom ``lexicon`` they are read at once (a lexicon may change
    after ``score`` returns, and the engine must not outlive such a change).
    """

    def __init__(self, arrays: Dict[str, Optional[np.ndarray]], as_of_us: int, rows: int, frames: bool,
                 engine: Optional[_Engine] = None):
        self._arrays = arrays
        self._frames = frames
        self._engine = engine
        self._cache: Dict[str, Any] = {}
        self.as_of = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=as_of_us)
        self.rows = rows

    def close(self) -> None:
        """Free the engine now; turns and agents not read yet are lost."""
        if self._engine is not None:
            self._engine.close()

    def __enter__(self) -> "ScoreResult":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _lazy(self, name: str) -> Optional[np.ndarray]:
        if name not in self._arrays:
            if self._engine is None:
                return None
            self._arrays[name] = self._engine.rows(name)
            if "turns" in self._arrays and "agents" in self._arrays:
                self._engine.close()
        return self._arrays[name]

    def _table(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        acc = self._arrays["accounts"]
        assert acc is not None
        if name == "accounts":
            cols = _account_columns(acc[acc["channel"] == A.GT_CHANNEL_ALL], False)
        elif name == "channels":
            cols = _account_columns(acc[acc["channel"] != A.GT_CHANNEL_ALL], True)
        else:
            arr = self._arrays.get(name) if name in ("contacts", "periods") else self._lazy(name)
            if arr is None:
                return None
            cols = {"contacts": _contact_columns, "turns": _turn_columns, "agents": _agent_columns,
                    "periods": _period_columns}[name](arr)
        row_type = _row_type({"accounts": "AccountScore", "channels": "ChannelScore", "contacts": "ContactScore",
                              "turns": "TurnScore", "agents": "AgentScore", "periods": "PeriodScore"}[name],
                             list(cols))
        value = _to_frame(cols) if self._frames else _to_tuples(cols, row_type)
        self._cache[name] = value
        return value

    @property
    def accounts(self) -> Any:
        return self._table("accounts")

    @property
    def channels(self) -> Any:
        return self._table("channels")

    @property
    def contacts(self) -> Any:
        return self._table("contacts")

    @property
    def turns(self) -> Any:
        return self._table("turns")

    @property
    def agents(self) -> Any:
        return self._table("agents")

    @property
    def periods(self) -> Any:
        return self._table("periods")

    def account_rows(self) -> np.ndarray:
        """The raw gt_account_score rows (numpy structured array), all
        channels first per account, as the C library returns them."""
        return self._arrays["accounts"]  # type: ignore[return-value]

    def __repr__(self) -> str:
        n = len(self._arrays["accounts"]) if self._arrays["accounts"] is not None else 0
        return f"<givetake.ScoreResult: {self.rows} rows scored, {n} account/channel rows, as_of {self.as_of}>"


# ---- score -------------------------------------------------------------------------


def build_rows(rows: Any, abi: "A.Abi") -> "tuple[np.ndarray, list]":
    """The input table as a numpy array of gt_interaction (the library's
    layout), plus the text buffers it points into (keep them alive)."""
    table = _columns.Table(rows)
    missing = [c for c in _columns.REQUIRED if not table.has(c)]
    if missing:
        raise InvalidArgumentError(f"missing column(s) {', '.join(map(repr, missing))}; the table has "
                                   f"{', '.join(map(repr, table.names)) or 'no columns'}")
    n = table.n
    conv = _columns.Converter(table)
    out = np.zeros(n, dtype=np.dtype(abi.interaction))
    flags = np.zeros(n, dtype=np.uint32)
    out["id"], _ = conv.ints("id", nullable=False)
    out["account_id"], _ = conv.ints("account_id", nullable=False)
    for name, bit in (("contact_id", A.GT_ROW_HAS_CONTACT), ("parent_id", A.GT_ROW_HAS_PARENT),
                      ("thread_id", A.GT_ROW_HAS_THREAD), ("agent_id", A.GT_ROW_HAS_AGENT)):
        if not table.has(name):
            continue
        values, present = conv.ints(name, nullable=True)
        if present is None:
            present = np.ones(n, dtype=bool)
        if name in ("thread_id", "agent_id") and not abi.has_thread_ids:
            if present.any():
                raise InvalidArgumentError(f"column {name!r}: this libgivetake ({abi.version}) predates "
                                           "thread_id/agent_id; leave the column out or all null")
            continue
        out[name] = np.where(present, values, 0)
        flags |= np.where(present, np.uint32(bit), np.uint32(0))
    lib = abi.lib
    out["channel"] = conv.codes("channel", lib.gt_channel_parse, len(A.CHANNELS))
    out["kind"] = conv.codes("kind", lib.gt_kind_parse, len(A.KINDS))
    for name, bit in (("inbound", A.GT_ROW_INBOUND), ("automated", A.GT_ROW_AUTOMATED),
                      ("has_media", A.GT_ROW_HAS_MEDIA)):
        if table.has(name):
            flags |= np.where(conv.bools(name), np.uint32(bit), np.uint32(0))
    out["flags"] = flags
    out["created_at"] = conv.times("created_at")
    if table.has("value"):
        out["value"] = conv.floats("value")
    keep = []
    for name in ("author_name", "body"):
        if table.has(name):
            col = _text.from_any(table.column(name), name)
            out[name]["ptr"] = col.ptrs
            out[name]["len"] = col.lens
            keep.append(col)
    return out, keep


def score(rows: Any, *, as_of: Any = None, sla: Union[None, Seconds, Mapping[str, Seconds]] = None,
          lexicon: Optional[Lexicon] = None, half_life: Optional[Seconds] = None,
          give_target: Union[None, float, str] = None, health_weights: Optional[Mapping[str, float]] = None,
          ack_unit: Optional[str] = None, schedules: Union[None, Schedule, Mapping[Any, Schedule]] = None,
          sla_clock: Union[None, str, Mapping[str, str]] = None, period: Optional[str] = None,
          frames: Optional[bool] = None) -> ScoreResult:
    """Score interactions (docs/metrics.md section 1 columns) per account,
    channel, contact (and turn and agent when the library has them).

    rows: a ``pandas.DataFrame``, a ``pyarrow.Table``, a mapping of column
        name -> values, or an iterable of dicts. Required columns: id,
        account_id, channel, kind, inbound, created_at; optional:
        contact_id, parent_id, automated, has_media, author_name, body,
        value, thread_id, agent_id. created_at: datetime64 / datetime
        (naive = UTC), ISO-8601 text, or Unix seconds.
    as_of: the scoring time (same forms); default the latest created_at.
    sla: seconds (or timedelta) for every channel, or a mapping
        ``{"twitter": 3600, "all": 7200, ...}``.
    lexicon: a :class:`Lexicon` (default: the built-in one).
    half_life: trust half-life (seconds or timedelta; default 90 days).
    give_target: target give ratio in (0, 1], or "80/20", "4-1-1", "thirds".
    health_weights: ``{"ack_rate": 1, "give_ratio": 2, ...}`` (>= 0).
    ack_unit: "turn" (default) or "row" (v1 numbers); libraries with turns only.
    schedules: business hours (:class:`Schedule`) by key: ``None`` (every
        account), an account_id, ``(account_id, channel)`` or ``(None,
        channel)``; a turn of account a on channel c uses (a, c), else a,
        else (None, c), else None; without one, business time is calendar
        time in UTC. A single Schedule is ``{None: schedule}``.
    sla_clock: "calendar" (default) or "business" for every channel, or a
        mapping ``{"twitter": "business", "all": "calendar"}``: the clock
        that decides within_sla, pending and due_at.
    period: "day", "week" (ISO, from Monday) or "month": also score per
        account x local period (in the zone of the account's schedule) into
        ``result.periods``.
    frames: DataFrames (True) or named tuples (False); default: pandas if installed.
    """
    abi = A.abi()
    lib = abi.lib
    if frames is None:
        try:
            import pandas  # noqa: F401
            frames = True
        except ImportError:
            frames = False
    if lexicon is not None and not isinstance(lexicon, Lexicon):
        raise InvalidTypeError(f"lexicon must be a givetake.Lexicon, got {type(lexicon).__name__}")
    data, keep = build_rows(rows, abi)
    h = C.c_void_p()
    if lexicon is not None:
        with lexicon._lock.read():
            check(lib.gt_scorer_new(C.byref(h), lexicon._h()), "gt_scorer_new")
    else:
        check(lib.gt_scorer_new(C.byref(h), None), "gt_scorer_new")
    s: Optional[int] = h.value
    try:
        def ok(rc: int, what: str) -> None:
            check(rc, what, lib.gt_scorer_errmsg(s))

        if as_of is not None:
            try:
                us = _columns.time_us(as_of)
            except Exception as e:
                raise type(e)(f"as_of: {getattr(e, 'message', e)}", getattr(e, "status", A.GT_EINVAL)) from None
            ok(lib.gt_scorer_set_as_of(s, us), "as_of")
        if sla is not None:
            items = sla.items() if isinstance(sla, Mapping) else [("all", sla)]
            for ch, secs in sorted(items, key=lambda kv: str(kv[0]).lower() != "all"):
                ok(lib.gt_scorer_set_sla(s, _channel_code(ch), _seconds(secs, f"sla[{ch!r}]")), f"sla[{ch!r}]")
        if half_life is not None:
            ok(lib.gt_scorer_set_half_life(s, _seconds(half_life, "half_life")), "half_life")
        if give_target is not None:
            t = _GIVE_TARGETS.get(give_target, give_target) if isinstance(give_target, str) else give_target
            if isinstance(t, str) or isinstance(t, bool) or not isinstance(t, (int, float)):
                raise InvalidArgumentError(f"give_target must be a number in (0, 1] or one of "
                                           f"{', '.join(_GIVE_TARGETS)}, got {give_target!r}")
            ok(lib.gt_scorer_set_give_target(s, float(t)), "give_target")
        if health_weights is not None:
            for comp, w in health_weights.items():
                if comp not in A.HEALTH_COMPONENTS:
                    raise InvalidArgumentError(f"unknown health component {comp!r} (expected one of "
                                               f"{', '.join(A.HEALTH_COMPONENTS)})")
                if isinstance(w, bool) or not isinstance(w, (int, float)):
                    raise InvalidTypeError(f"health_weights[{comp!r}] must be a number")
                ok(lib.gt_scorer_set_health_weight(s, A.HEALTH_COMPONENTS.index(comp), float(w)),
                   f"health_weights[{comp!r}]")
        if ack_unit is not None:
            if ack_unit not in ("turn", "row"):
                raise InvalidArgumentError(f"ack_unit must be 'turn' or 'row', not {ack_unit!r}")
            if not abi.has_ack_unit:
                if ack_unit == "turn":
                    raise InvalidArgumentError(f"this libgivetake ({abi.version}) has no turns (ack_unit='row' "
                                               "is its only behaviour)")
            else:
                ok(lib.gt_scorer_set_ack_unit(s, A.GT_ACK_UNIT_TURN if ack_unit == "turn" else A.GT_ACK_UNIT_ROW),
                   "ack_unit")
        if schedules is not None or sla_clock is not None or period is not None:
            if not abi.has_schedules:
                raise InvalidArgumentError(f"this libgivetake ({abi.version}) has no business schedules, "
                                           "SLA clocks or periods")
        if period is not None:
            if period not in A.PERIODS[1:]:
                raise InvalidArgumentError(f"period must be 'day', 'week' or 'month', not {period!r}")
            ok(lib.gt_scorer_set_period(s, A.PERIODS.index(period)), "period")
        if sla_clock is not None:
            clocks = sla_clock.items() if isinstance(sla_clock, Mapping) else [("all", sla_clock)]
            for ch, clock in sorted(clocks, key=lambda kv: str(kv[0]).lower() != "all"):
                ok(lib.gt_scorer_set_sla_clock(s, _channel_code(ch), _sla_clock_code(clock, f"sla_clock[{ch!r}]")),
                   f"sla_clock[{ch!r}]")
        if schedules is not None:
            times = data["created_at"]
            lo = int(times.min()) if len(times) else 0
            hi = int(times.max()) if len(times) else 0
            if as_of is not None:
                lo, hi = min(lo, us), max(hi, us)
            _set_schedules(abi, s, schedules, lo, hi)
        stop = threading.Event()
        poll = A.INTERRUPT_FN(lambda _context: 1 if stop.is_set() else 0)
        ok(lib.gt_scorer_set_interrupt(s, poll, None), "score")

        def add_and_finish() -> int:
            rc = abi.scorer_add(s, data.ctypes.data, len(data))
            return rc if rc != A.GT_OK or stop.is_set() else lib.gt_scorer_finish(s)

        rc = _interrupt.run(add_and_finish, stop)
        lib.gt_scorer_set_interrupt(s, None, None)  # `poll` dies with this call
        del keep
        ok(rc, "score")
        arrays: Dict[str, Optional[np.ndarray]] = {}
        p, n = C.c_void_p(), C.c_size_t()
        ok(abi.scorer_accounts(C.byref(p), C.byref(n), s), "accounts")
        arrays["accounts"] = _copy_rows(p.value, n.value, abi.account)
        ok(lib.gt_scorer_contacts(C.byref(p), C.byref(n), s), "contacts")
        arrays["contacts"] = _copy_rows(p.value, n.value, A.ContactScore)
        if period is not None:
            ok(lib.gt_scorer_periods(C.byref(p), C.byref(n), s), "periods")
            arrays["periods"] = _copy_rows(p.value, n.value, A.PeriodScore)
        as_of_us, kept = C.c_int64(), C.c_size_t()
        ok(lib.gt_scorer_as_of(C.byref(as_of_us), s), "as_of")
        ok(lib.gt_scorer_row_count(C.byref(kept), s), "row_count")
        engine = None
        if abi.has_turns and abi.has_agents:
            engine, s = _Engine(abi, int(h.value or 0)), None  # the result owns the scorer now
            if lexicon is not None:
                # The header forbids changing a lexicon while a scorer made
                # with it lives: read everything now and free the scorer.
                arrays["turns"], arrays["agents"] = engine.rows("turns"), engine.rows("agents")
                engine.close()
                engine = None
        return ScoreResult(arrays, as_of_us.value, kept.value, frames, engine)
    finally:
        if s is not None:
            lib.gt_scorer_free(s)
