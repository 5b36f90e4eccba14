"""The package with numpy only (no pandas, no pyarrow): run by
`make test-python` in a second virtualenv. Exits non-zero on failure."""
import datetime as dt
import importlib.util

import givetake

assert importlib.util.find_spec("pandas") is None and importlib.util.find_spec("pyarrow") is None

assert givetake.classify("Tips: how to recycle your phone").label == "give"
many = givetake.classify_many(["Tips: how to recycle your phone", "Shop now, 20% off!", None] * 1000)
assert list(many.label[:3]) == ["give", "take", "neutral"] and many.give_score.dtype.name == "float64"

t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
rows = [dict(id=1, account_id=42, contact_id=5, channel="twitter", kind="mention", inbound=True, created_at=t0,
             author_name="Lee Park", body="@brand it broke"),
        dict(id=2, account_id=42, parent_id=1, channel="twitter", kind="reply", inbound=False,
             created_at=t0 + dt.timedelta(minutes=30), body="Sorry Lee, here's how to fix it")]
r = givetake.score(rows)
a = r.accounts[0]
assert isinstance(r.accounts, list) and (a.account_id, a.needs_ack, a.acknowledged) == (42, 1, 1)
assert (a.personal_rate, a.median_ack_s, a.conversion_lift) == (1.0, 1800.0, None)
assert r.contacts[0].last_interaction_at == t0
try:
    givetake.score([dict(rows[0], created_at=None)])
except givetake.InvalidArgumentError as e:
    assert "row 0, column 'created_at'" in str(e)
else:
    raise AssertionError("a missing created_at was accepted")
if givetake._abi.abi().has_schedules:
    office = givetake.Schedule("Europe/Berlin", "Mon-Fri 09:00-17:00")
    late = [dict(rows[0], created_at=dt.datetime(2026, 1, 2, 16, 30, tzinfo=dt.timezone.utc)),  # Fri 17:30 Berlin
            dict(rows[1], created_at=dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.timezone.utc))]   # Mon 09:30
    r = givetake.score(late, schedules=office, period="week")
    assert r.turns[0].business_time_to_ack_s == 1800.0 and r.turns[0].time_to_ack_s == 64 * 3600.0
    assert [p.period_start for p in r.periods] == [dt.date(2025, 12, 29), dt.date(2026, 1, 5)]
    assert r.periods[1].ack_rate is None
print("numpy-only install: ok")
