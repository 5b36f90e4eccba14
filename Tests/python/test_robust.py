"""Bad input of every kind gives a GiveTakeError (or a result), never a
crash: random junk in random cells, None everywhere, odd containers."""
import datetime as dt
import math
import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import givetake

UTC = dt.timezone.utc
ROW = dict(id=1, account_id=7, contact_id=5, parent_id=None, channel="twitter", kind="mention", inbound=True,
           automated=False, has_media=False, created_at=dt.datetime(2026, 1, 1, tzinfo=UTC), author_name="Ana",
           body="hi", value=0.0, thread_id=None, agent_id=None)
JUNK = [None, float("nan"), float("inf"), -float("inf"), "", "x", "2026-13-45", b"\xff\xfe", b"ok", 2 ** 70, -2 ** 63,
        -1, 0, True, 1.5, [], {}, (1,), object(), dt.datetime.max, dt.date(1, 1, 1), np.datetime64("NaT"),
        np.datetime64("9999-12-31T23:59:59"), 1e308, -1e308, "9999-12-31 23:59:59", "\udcff", "é" * 10000,
        pd.NaT, pd.NA, np.int64(3), np.float32("nan"), bytearray(b"abc"), "  true ", "no", "   "]


def test_random_junk_never_crashes():
    rng = random.Random(7)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(600):
        rows = [dict(ROW, id=i) for i in range(3)]
        for _ in range(rng.randrange(1, 4)):
            rows[rng.randrange(3)][rng.choice(list(ROW))] = rng.choice(JUNK)
        try:
            r = givetake.score(rows, frames=rng.random() < 0.5)
            r.accounts, r.contacts, r.turns
            outcomes["ok"] += 1
        except givetake.GiveTakeError as e:
            assert e.status < 0 and str(e)
            outcomes["error"] += 1
    assert outcomes["ok"] and outcomes["error"]


def test_none_everywhere():
    with pytest.raises(givetake.InvalidArgumentError, match="row 0, column 'id'"):
        givetake.score([{k: None for k in ROW}])
    df = pd.DataFrame([{k: None for k in ROW}] * 3)
    with pytest.raises(givetake.InvalidArgumentError, match="row 0, column 'id'"):
        givetake.score(df)
    with pytest.raises(givetake.InvalidArgumentError, match="row 0, column 'id'"):
        givetake.score(pa.Table.from_pylist([{k: None for k in ROW}]))
    res = givetake.classify_many([None, None])
    assert list(res.label) == ["neutral", "neutral"]
    with pytest.raises(givetake.InvalidTypeError):
        givetake.classify(1)
    with pytest.raises(givetake.InvalidArgumentError):
        givetake.score([ROW], as_of=float("nan"))


def test_junk_in_typed_columns():
    df = pd.DataFrame([dict(ROW, id=i) for i in range(4)])
    df["created_at"] = pd.to_datetime(df["created_at"])
    bad = df.copy()
    bad["value"] = [0.0, math.inf, 0.0, 0.0]
    with pytest.raises(givetake.RangeError, match=r"row 1 \(id 1\): value"):
        givetake.score(bad)
    bad = df.copy()
    bad["inbound"] = pd.Series([True, None, "perhaps", False], dtype=object)
    with pytest.raises(givetake.InvalidTypeError, match=r"row 2, column 'inbound'"):
        givetake.score(bad)
    bad = df.copy()
    bad["body"] = pd.Series(["a", b"\xff", None, 3], dtype=object)
    with pytest.raises(givetake.InvalidTypeError, match=r"row 3, column 'body'"):
        givetake.score(bad)
    bad = df.copy()
    bad["id"] = np.array([1, 2, 2 ** 64 - 1, 4], dtype=np.uint64)
    with pytest.raises(givetake.RangeError, match=r"row 2, column 'id'"):
        givetake.score(bad)
    bad = df.copy()
    bad["created_at"] = [True, False, True, False]
    with pytest.raises(givetake.InvalidTypeError, match="created_at"):
        givetake.score(bad)
