"""Business hours, SLA clocks and periods: Schedule against hand-worked
daylight-saving nights and holidays; score(schedules=, sla_clock=,
period=) against `givetake score --schedule --sla-clock --period` on the
same data; bad zones, hours, holidays and keys named in the error."""
import datetime as dt
import json
import math
import random
import sqlite3
import subprocess
import threading
import zoneinfo

import pandas as pd
import pytest

import givetake

if not givetake._abi.abi().has_schedules:
    pytest.skip("this libgivetake has no business schedules", allow_module_level=True)

UTC = dt.timezone.utc
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOUR = 3600.0


def local(zone, *fields):
    return dt.datetime(*fields, tzinfo=zone)


# ---- Schedule: hand-worked answers -----------------------------------------------


@pytest.mark.parametrize("zone,day,hours", [
    (BERLIN, dt.date(2026, 3, 29), 23), (BERLIN, dt.date(2026, 10, 25), 25),
    (NEW_YORK, dt.date(2026, 3, 8), 23), (NEW_YORK, dt.date(2026, 11, 1), 25),
    (BERLIN, dt.date(2026, 3, 22), 24),
])
def test_a_whole_sunday_on_dst_nights(zone, day, hours):
    s = givetake.Schedule(zone.key, "Sun 00:00-24:00")
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    assert s.business_seconds(start - dt.timedelta(hours=5), end + dt.timedelta(hours=5)) == hours * HOUR


def test_gap_and_doubled_hour_rules():
    # 02:00-03:00 does not exist on 2026-03-29 in Berlin: both ends are the
    # first instant after the gap (01:00 UTC), so nothing is open.
    spring = givetake.Schedule("Europe/Berlin", "Sun 02:00-03:00")
    day = (dt.datetime(2026, 3, 28, tzinfo=UTC), dt.datetime(2026, 3, 30, tzinfo=UTC))
    assert spring.business_seconds(*day) == 0
    # 02:30 is in the gap (-> 01:00 UTC), 03:30 CEST is 01:30 UTC.
    assert givetake.Schedule("Europe/Berlin", "Sun 02:30-03:30").business_seconds(*day) == 0.5 * HOUR
    # 02:00-03:00 on 2026-10-25: 02:00 exists twice, the first (CEST,
    # 00:00 UTC) counts; 03:00 CET is 02:00 UTC: two hours open.
    autumn = givetake.Schedule("Europe/Berlin", "Sun 02:00-03:00")
    assert autumn.business_seconds(dt.datetime(2026, 10, 24, tzinfo=UTC),
                                   dt.datetime(2026, 10, 26, tzinfo=UTC)) == 2 * HOUR


def test_holidays_close_whole_local_days():
    s = givetake.Schedule("America/New_York", "Mon-Fri 09:00-17:00", holidays=[dt.date(2026, 12, 25), "2026-12-24"])
    week = (local(NEW_YORK, 2026, 12, 21), local(NEW_YORK, 2026, 12, 28))
    assert s.business_seconds(*week) == 3 * 8 * HOUR  # Mon-Wed
    assert givetake.Schedule("America/New_York", "Mon-Fri 09:00-17:00").business_seconds(*week) == 5 * 8 * HOUR
    assert s.holidays == (dt.date(2026, 12, 24), dt.date(2026, 12, 25))
    # No hours: open all week except on the holidays.
    open_all = givetake.Schedule("Europe/Berlin", holidays=["2026-12-25"])
    assert open_all.business_seconds(local(BERLIN, 2026, 12, 24), local(BERLIN, 2026, 12, 27)) == 48 * HOUR


def test_business_seconds_spans_and_local_date():
    s = givetake.Schedule("Europe/Berlin", "Mon-Fri 09:00-12:30, 13:30-17:00")
    # Friday 16:30 -> Monday 09:30, across the spring-forward night.
    assert s.business_seconds(local(BERLIN, 2026, 3, 27, 16, 30), local(BERLIN, 2026, 3, 30, 9, 30)) == HOUR
    assert s.business_seconds(local(BERLIN, 2026, 3, 30, 12), local(BERLIN, 2026, 3, 30, 14)) == HOUR
    assert s.business_seconds(local(BERLIN, 2026, 3, 30, 14), local(BERLIN, 2026, 3, 30, 12)) == 0
    # Naive = UTC; ISO text and Unix seconds too.
    assert s.business_seconds("2026-03-30 07:00", "2026-03-30 08:00") == HOUR
    assert s.business_seconds(dt.datetime(2026, 3, 30, 7), 1774857600) == HOUR  # 2026-03-30 08:00 UTC
    assert s.local_date(dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == dt.date(2026, 3, 29)
    assert s.local_date("2026-03-28 22:30") == dt.date(2026, 3, 28)
    assert givetake.Schedule("America/New_York").local_date("2026-07-01 03:00") == dt.date(2026, 6, 30)


def test_years_outside_the_default_span():
    """Offsets are computed for 1970-2100 first, widened when asked
    about other years: New York had DST in 1960, and its rule holds in 2150."""
    s = givetake.Schedule("America/New_York", "Sun 00:00-24:00")
    assert s.business_seconds(local(NEW_YORK, 1960, 4, 24), local(NEW_YORK, 1960, 4, 25)) == 23 * HOUR
    assert s.business_seconds(local(NEW_YORK, 2150, 3, 8), local(NEW_YORK, 2150, 3, 9)) == 23 * HOUR
    assert s.business_seconds(local(NEW_YORK, 2150, 11, 1), local(NEW_YORK, 2150, 11, 2)) == 25 * HOUR


def test_zone_offsets_match_zoneinfo_at_every_change():
    from givetake.schedule import zone_offsets
    for name in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"):
        times, offsets = zone_offsets(name, 1970, 2100)
        zone = zoneinfo.ZoneInfo(name)
        for t, off in zip(times.tolist(), offsets.tolist()):
            at = dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds()
            before = dt.datetime.fromtimestamp(t - 1, zone).utcoffset().total_seconds()
            assert at == off and (before != off or t == times[0]), (name, t)
    berlin_2026 = zone_offsets("Europe/Berlin", 2026, 2026)
    assert berlin_2026[0].tolist() == [1767225600, 1774746000, 1792890000]  # Jan 1, Mar 29 01:00, Oct 25 01:00 UTC
    assert berlin_2026[1].tolist() == [3600, 7200, 3600]


@pytest.mark.parametrize("args,status,pattern", [
    (("Mars/Base", ""), givetake._abi.GT_EINVAL, "unknown time zone 'Mars/Base'"),
    (("../etc/passwd", ""), givetake._abi.GT_EINVAL, "unknown time zone"),
    (("", ""), givetake._abi.GT_EINVAL, "unknown time zone"),
    (("UTC", "Mon 10:00-09:00"), givetake._abi.GT_EPARSE, r"hours \"Mon 10:00-09:00\": interval end is not after"),
    (("UTC", "Funday 09:00-17:00"), givetake._abi.GT_EPARSE, r"hours \"Funday.*expected a day name"),
    (("UTC", "Mon 09:00-12:00, 11:00-13:00"), givetake._abi.GT_EPARSE, "overlap"),
    (("UTC", "Mon 25:00-26:00"), givetake._abi.GT_EPARSE, "HH:MM"),
    (("UTC", "", ["2026-02-30"]), givetake._abi.GT_EINVAL, "holiday '2026-02-30' is not a date YYYY-MM-DD"),
    (("UTC", "", ["25.12.2026"]), givetake._abi.GT_EINVAL, "holiday '25.12.2026' is not a date"),
    (("UTC", "", [dt.datetime(2026, 12, 25)]), givetake._abi.GT_EINVAL, "is a datetime; give a date"),
    (("UTC", "", [20261225]), givetake._abi.GT_EINVAL, "holiday 20261225 is not a date"),
])
def test_bad_schedules_name_the_problem(args, status, pattern):
    with pytest.raises(givetake.ScheduleError, match=pattern) as e:
        givetake.Schedule(*args)
    assert e.value.status == status and isinstance(e.value, ValueError)


def test_bad_types_and_closed_schedule():
    with pytest.raises(givetake.InvalidTypeError, match="zone must be"):
        givetake.Schedule(3600)
    with pytest.raises(givetake.InvalidTypeError, match="hours must be"):
        givetake.Schedule("UTC", ["Mon 09:00-17:00"])
    s = givetake.Schedule(zoneinfo.ZoneInfo("Europe/Berlin"), "Mon 09:00-17:00")
    assert s.zone == "Europe/Berlin"
    with s:
        pass
    with pytest.raises(givetake.StateError, match="closed"):
        s.business_seconds(0, 10)
    with pytest.raises(givetake.StateError, match="closed"):
        givetake.score(HAND, schedules=s)


# ---- score(): settings -----------------------------------------------------------

# Contact 5 writes on Friday 2026-03-27 17:30 Berlin time (after hours)
# and is answered on Monday 09:30 (CEST, the clocks went forward on
# Sunday): 63 h of calendar time, 30 minutes of business time.
HAND = [
    dict(id=1, account_id=42, contact_id=5, channel="twitter", kind="mention", inbound=True,
         created_at=local(BERLIN, 2026, 3, 27, 17, 30), body="it broke"),
    dict(id=2, account_id=42, parent_id=1, channel="twitter", kind="reply", inbound=False,
         created_at=local(BERLIN, 2026, 3, 30, 9, 30), body="sorry, fixed"),
]
AS_OF = dt.datetime(2026, 4, 1, tzinfo=UTC)


def test_business_clock_on_a_dst_weekend():
    office = givetake.Schedule("Europe/Berlin", "Mon-Fri 09:00-17:00")
    cal = givetake.score(HAND, as_of=AS_OF, schedules={None: office})
    t = cal.turns.iloc[0]
    assert t.time_to_ack_s == 63 * HOUR and t.business_time_to_ack_s == 0.5 * HOUR
    assert cal.accounts.median_ack_business_s[0] == 0.5 * HOUR and cal.accounts.sla_rate[0] == 0.0
    biz = givetake.score(HAND, as_of=AS_OF, schedules=office, sla_clock="business")
    assert biz.accounts.sla_rate[0] == 1.0  # within twitter's 1 h of business time
    # Due: 1 business hour after the start, i.e. Monday 10:00 CEST.
    assert biz.turns.due_at[0] == pd.Timestamp(local(BERLIN, 2026, 3, 30, 10))
    per_channel = givetake.score(HAND, as_of=AS_OF, schedules=office, sla_clock={"all": "business",
                                                                                 "twitter": "calendar"})
    assert per_channel.accounts.sla_rate[0] == 0.0
    # Without a schedule business time is calendar time (UTC, always open).
    assert givetake.score(HAND, as_of=AS_OF).turns.business_time_to_ack_s[0] == 63 * HOUR


def test_schedule_lookup_order():
    """(account, channel) before account before (None, channel) before None."""
    wide = givetake.Schedule("UTC", "Mon-Sun 00:00-24:00")
    office = givetake.Schedule("Europe/Berlin", "Mon-Fri 09:00-17:00")
    night = givetake.Schedule("Europe/Berlin", "Mon 09:00-09:10")
    closed_monday = givetake.Schedule("Europe/Berlin", "Tue 09:00-17:00")

    def biz(schedules):
        return givetake.score(HAND, as_of=AS_OF, schedules=schedules).turns.business_time_to_ack_s[0]

    assert biz({None: office}) == 1800
    assert biz({None: office, (None, "twitter"): night}) == 600
    assert biz({None: office, (None, "twitter"): night, 42: closed_monday}) == 0
    assert biz({None: office, (None, "twitter"): night, 42: closed_monday, (42, "twitter"): wide}) == 63 * HOUR
    assert biz({None: office, (42, "facebook"): wide, 7: wide, (None, "instagram"): wide}) == 1800
    assert biz({(42, "all"): night}) == 600


def test_periods_in_the_accounts_zone():
    rows = HAND + [dict(id=3, account_id=42, channel="twitter", kind="post", inbound=False,
                        created_at=dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), body="how to fix it: 5 tips")]
    tokyo = givetake.Schedule("Asia/Tokyo")
    months = givetake.score(rows, as_of=AS_OF, schedules={42: tokyo}, period="month").periods
    # 22:30 UTC on March 31 is April 1 in Tokyo.
    assert list(months.period_start) == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    utc = givetake.score(rows, as_of=AS_OF, period="month", frames=False).periods
    assert [p.period_start for p in utc] == [dt.date(2026, 3, 1)]
    days = givetake.score(rows, as_of=AS_OF, period="day", schedules={None: tokyo}, frames=False).periods
    assert [p.period_start for p in days] == [dt.date(2026, 3, 28), dt.date(2026, 3, 30), dt.date(2026, 4, 1)]
    assert days[1].needs_ack == 0 and days[1].ack_rate is None  # NaN -> None
    weeks = givetake.score(rows, as_of=AS_OF, period="week").periods
    assert all(d.weekday() == 0 for d in weeks.period_start)
    assert givetake.score(rows, as_of=AS_OF).periods is None


@pytest.mark.parametrize("kwargs,cls,pattern", [
    (dict(period="year"), givetake.InvalidArgumentError, "period must be 'day', 'week' or 'month'"),
    (dict(sla_clock="office"), givetake.InvalidArgumentError, "sla_clock.*'calendar' or 'business'"),
    (dict(sla_clock={"tiktok": "business"}), givetake.InvalidArgumentError, "unknown channel 'tiktok'"),
    (dict(schedules={"42": None}), givetake.InvalidArgumentError, "schedules key '42'"),
    (dict(schedules={(42, "myspace"): None}), givetake.InvalidArgumentError, r"schedules key \(42, 'myspace'\)"),
    (dict(schedules={(42,): None}), givetake.InvalidArgumentError, r"expected \(account_id or None, channel\)"),
    (dict(schedules={True: None}), givetake.InvalidArgumentError, "schedules key True"),
    (dict(schedules={42: "Europe/Berlin"}), givetake.InvalidTypeError, r"schedules\[42\] must be a givetake.Schedule"),
    (dict(schedules=["Europe/Berlin"]), givetake.InvalidTypeError, "schedules must be"),
])
def test_bad_settings(kwargs, cls, pattern):
    with pytest.raises(cls, match=pattern):
        givetake.score(HAND, **kwargs)


def test_one_schedule_shared_by_threads():
    office = givetake.Schedule("America/New_York", "Mon-Fri 09:00-17:00")
    out, errors = [], []

    def work():
        try:
            for _ in range(5):
                out.append(givetake.score(HAND, as_of=AS_OF, schedules=office).turns.business_time_to_ack_s[0])
                out.append(office.business_seconds(local(NEW_YORK, 2026, 3, 27, 16), local(NEW_YORK, 2026, 3, 30, 10)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    # The answer (Fri 12:30 -> Mon 03:30 New York time) is 4.5 h; 2 h of the query.
    assert sorted(set(out)) == [2 * HOUR, 4.5 * HOUR]


# ---- the same answers as the CLI --------------------------------------------------

# account_id, channel, time_zone, hours, holidays (the CLI's --schedule file)
SCHEDULES = [
    (None, None, "UTC", "Mon-Fri 08:00-18:00", []),
    (1, None, "Europe/Berlin", "Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00; Sun 01:00-04:00",
     ["2026-03-30", "2026-10-26", "2026-12-25", "2026-12-26"]),
    (1, "twitter", "America/New_York", "Mon-Fri 08:00-20:00", ["2026-11-26"]),
    (2, None, "America/New_York", "Mon-Sat 07:00-22:00; Sun 00:30-03:30", ["2026-03-09", "2026-12-25"]),
    (None, "facebook", "Asia/Kolkata", "Mon-Fri 10:00-19:00", []),
]
# Weeks around both zones' daylight-saving nights and Christmas.
WINDOWS = [dt.datetime(2026, 3, 6), dt.datetime(2026, 3, 27), dt.datetime(2026, 10, 23),
           dt.datetime(2026, 10, 30), dt.datetime(2026, 12, 22)]
BODIES = ["@brand it broke again", "Thanks Anna, here's how to fix it: 5 tips", "Buy now: our new phone",
          "sorry for the wait", "love it, thank you!", "where is my order?"]


def synthetic_rows(seed=7):
    rnd = random.Random(seed)
    rows, next_id = [], 1
    for account in (1, 2, 3):
        for start in WINDOWS:
            for _ in range(14):
                at = start + dt.timedelta(minutes=rnd.randrange(5 * 24 * 60))
                channel = rnd.choice(["twitter", "facebook", "instagram"])
                contact = rnd.randrange(1, 12)
                thread = rnd.randrange(1, 6) if channel == "facebook" else None
                rows.append(dict(id=next_id, account_id=account, contact_id=contact, parent_id=None,
                                 thread_id=thread, agent_id=None, channel=channel, kind="mention", inbound=1,
                                 automated=0, has_media=0, created_at=at, author_name="Anna Smith",
                                 body=rnd.choice(BODIES), value=0.0))
                first, next_id = next_id, next_id + 1
                if rnd.random() < 0.8:
                    rows.append(dict(id=next_id, account_id=account, contact_id=None, parent_id=first,
                                     thread_id=thread, agent_id=rnd.choice([None, 31, 32]), channel=channel,
                                     kind="reply", inbound=0, automated=0, has_media=0,
                                     created_at=at + dt.timedelta(minutes=rnd.randrange(1, 3 * 24 * 60)),
                                     author_name=None, body=rnd.choice(BODIES), value=0.0))
                    next_id += 1
                if rnd.random() < 0.3:
                    rows.append(dict(id=next_id, account_id=account, contact_id=None, parent_id=None,
                                     thread_id=None, agent_id=None, channel=channel, kind="post", inbound=0,
                                     automated=0, has_media=0, created_at=at + dt.timedelta(hours=1),
                                     author_name=None, body=rnd.choice(BODIES), value=0.0))
                    next_id += 1
    return rows


SYNTH_AS_OF = "2026-12-29 12:00:00"


@pytest.fixture(scope="module")
def synth(cli, tmp_path_factory):
    """(rows, schedule file, a function running `givetake score` as JSON)."""
    d = tmp_path_factory.mktemp("hours")
    rows = synthetic_rows()
    db = str(d / "hours.sqlite")
    con = sqlite3.connect(db)
    cols = list(rows[0])
    con.execute(f"CREATE TABLE interactions ({', '.join(cols)})")
    con.executemany(f"INSERT INTO interactions VALUES ({', '.join('?' * len(cols))})",
                    [[r[c].strftime("%Y-%m-%d %H:%M:%S") if c == "created_at" else r[c] for c in cols] for r in rows])
    con.commit()
    con.close()
    tsv = d / "schedules.tsv"
    tsv.write_text("account_id\tchannel\ttime_zone\thours\tholidays\n" + "".join(
        f"{'' if a is None else a}\t{c or ''}\t{z}\t{h}\t{','.join(hol)}\n" for a, c, z, h, hol in SCHEDULES))

    def run(*args):
        out = subprocess.run([cli, "score", db, "--format", "json", "--quiet", "--as-of", SYNTH_AS_OF,
                              "--schedule", str(tsv), *args], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    return rows, run


def python_schedules():
    return {(a if c is None else (a, c)): givetake.Schedule(z, h, hol) for a, c, z, h, hol in SCHEDULES}


def same(got, want):
    if want is None:
        return got is None or got is pd.NA or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, str) and isinstance(got, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(want, tz="UTC") == pd.Timestamp(got)
    if isinstance(want, str) and isinstance(got, dt.date):
        return got.isoformat() == want
    return got == want


def assert_same_rows(got_records, want_rows, key):
    def k(r):
        return tuple(None if same(r[c], None) else r[c].isoformat() if isinstance(r[c], dt.date) else r[c]
                     for c in key)
    got = {k(r): r for r in got_records}
    want = {k(r): r for r in want_rows}
    assert set(got) == set(want) and want
    for key_, w in want.items():
        for col, v in w.items():
            if col != "account_name":
                assert same(got[key_][col], v), (key_, col, got[key_][col], v)


def score_like_cli(rows, **kwargs):
    return givetake.score(pd.DataFrame(rows), as_of=SYNTH_AS_OF, schedules=python_schedules(), **kwargs)


@pytest.mark.parametrize("clock,cli_clock", [
    (None, None), ("business", "business"),
    ({"twitter": "business", "facebook": "calendar", "instagram": "business"},
     "twitter=business,facebook=calendar,instagram=business"),
])
def test_accounts_and_turns_match_cli(synth, clock, cli_clock):
    rows, run = synth
    args = ["--sla", "twitter=1h,facebook=4h,instagram=2h"] + (["--sla-clock", cli_clock] if cli_clock else [])
    r = score_like_cli(rows, sla={"twitter": 3600, "facebook": 4 * 3600, "instagram": 7200}, sla_clock=clock)
    want = run(*args)
    accounts = r.accounts.to_dict("records")
    for rec in accounts:
        rec["channel"] = None
    assert_same_rows(accounts + r.channels.to_dict("records"), want["accounts"], ("account_id", "channel"))
    assert_same_rows(r.turns.to_dict("records"), run(*args, "--turns", "all")["turns"], ("account_id", "turn_id"))
    assert_same_rows(r.agents.to_dict("records"), run(*args, "--agents")["agents"], ("account_id", "agent_id"))
    # The schedules are in effect: business and calendar times differ.
    acked = r.turns[r.turns.status == "acknowledged"]
    assert (acked.business_time_to_ack_s < acked.time_to_ack_s).sum() > len(acked) // 2


def test_each_turn_uses_its_schedule(synth):
    """Every acknowledged turn's business time is that of the schedule the
    lookup order picks, measured with Schedule.business_seconds."""
    rows, _ = synth
    scheds = python_schedules()
    turns = score_like_cli(rows, frames=False).turns
    checked = 0
    for t in turns:
        if t.status != "acknowledged":
            continue
        pick = next(scheds[k] for k in ((t.account_id, t.channel), t.account_id, (None, t.channel), None)
                    if k in scheds)
        end = t.started_at + dt.timedelta(seconds=t.time_to_ack_s)
        assert t.business_time_to_ack_s == pick.business_seconds(t.started_at, end), t
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_periods_match_cli_and_sum_to_accounts(synth, period):
    rows, run = synth
    r = score_like_cli(rows, sla_clock="business", period=period)
    want = run("--sla-clock", "business", "--period", period)["periods"]
    assert_same_rows(r.periods.to_dict("records"), want, ("account_id", "period_start"))
    sums = r.periods.groupby("account_id")[["needs_ack", "pending", "acknowledged", "give_posts", "take_posts",
                                            "neutral_posts", "give_attributed_leads", "anomalies"]].sum()
    acc = r.accounts.set_index("account_id")[sums.columns]
    assert sums.sort_index().equals(acc.sort_index())
    # Every account has rows in each window's week and in four months.
    assert r.periods.account_id.nunique() == 3
    assert len(r.periods) >= 3 * (4 if period == "month" else len(WINDOWS))
