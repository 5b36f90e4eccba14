"""Business time (spec section 3b), written independently with zoneinfo.

All instants are integer microseconds since the Unix epoch (UTC)."""
import datetime as dt
import re
import sqlite3
import os
from zoneinfo import ZoneInfo

MUT = os.environ.get('BIZ_MUTANT', '')  # self-test of the harness only: gap, fold, holiday

US = 1000000
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']


def to_us(aware):
    return (aware - EPOCH) // dt.timedelta(microseconds=1)


def from_us(u):
    return EPOCH + dt.timedelta(microseconds=u)


def parse_hours(text):
    """-> {weekday: [(start_min, end_min)]}; {} for no intervals."""
    week = {}
    if text is None or text.strip() == '':
        return week
    for group in text.split(';'):
        group = group.strip()
        if not group:
            continue
        m = re.match(r'^(\S+)\s+(.*)$', group)
        daypart, ivpart = m.group(1), m.group(2)
        days = []
        for item in daypart.split(','):
            if '-' in item:
                a, b = item.split('-')
                i, j = DAYS.index(a), DAYS.index(b)
                k = i
                while True:
                    days.append(k)
                    if k == j:
                        break
                    k = (k + 1) % 7
            else:
                days.append(DAYS.index(item))
        for iv in ivpart.split(','):
            a, b = iv.strip().split('-')
            s = int(a[:2]) * 60 + int(a[3:])
            e = int(b[:2]) * 60 + int(b[3:])
            assert 0 <= s < e <= 1440, iv
            for d in days:
                week.setdefault(d, []).append((s, e))
    for d in week:
        week[d].sort()
        for (s1, e1), (s2, e2) in zip(week[d], week[d][1:]):
            assert e1 <= s2, 'overlap'
    return week


class Schedule:
    def __init__(self, zone, hours, holidays):
        self.zname = zone
        self.zone = ZoneInfo(zone)
        self.week = parse_hours(hours)
        self.holidays = set()
        if holidays:
            for h in str(holidays).split(','):
                h = h.strip()
                if h:
                    self.holidays.add(dt.date.fromisoformat(h))
        self._cache = {}

    def wall(self, u):
        return from_us(u).astimezone(self.zone).replace(tzinfo=None)

    def local_date(self, u):
        return from_us(u).astimezone(self.zone).date()

    def instant(self, d, minutes):
        """local date d + minutes (0..1440) -> instant; gap -> first instant after
        the gap, fold -> first of the two."""
        naive = dt.datetime(d.year, d.month, d.day) + dt.timedelta(minutes=minutes)
        a0 = naive.replace(tzinfo=self.zone, fold=0)
        u0 = to_us(a0.astimezone(UTC))
        if self.wall(u0) == naive:
            a1 = naive.replace(tzinfo=self.zone, fold=1)
            u1 = to_us(a1.astimezone(UTC))
            if self.wall(u1) == naive:
                return max(u0, u1) if MUT == 'fold' else min(u0, u1)
            return u0
        if MUT == 'gap':
            return u0
        # nonexistent: the instant of the jump, between the fold=1 and fold=0 readings
        u1 = to_us(naive.replace(tzinfo=self.zone, fold=1).astimezone(UTC))
        lo, hi = min(u0, u1) // US, max(u0, u1) // US + 1
        assert self.wall(hi * US) >= naive and self.wall(lo * US) < naive
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.wall(mid * US) >= naive:
                hi = mid
            else:
                lo = mid
        return hi * US

    def day_intervals(self, d):
        if d in self._cache:
            return self._cache[d]
        res = []
        if d not in self.holidays or MUT == 'holiday':
            if not self.week:
                ivs = [(0, 1440)]
            else:
                ivs = self.week.get(d.weekday(), [])
            for s, e in ivs:
                a = self.instant(d, s)
                b = self.instant(d, e) if e < 1440 else self.instant(d + dt.timedelta(days=1), 0)
                if b > a:
                    res.append((a, b))
        self._cache[d] = res
        return res

    def business(self, a, b):
        if b <= a:
            return 0
        d = self.local_date(a) - dt.timedelta(days=2)
        end = self.local_date(b) + dt.timedelta(days=2)
        tot = 0
        while d <= end:
            for s, e in self.day_intervals(d):
                lo, hi = max(s, a), min(e, b)
                if hi > lo:
                    tot += hi - lo
            d += dt.timedelta(days=1)
        return tot

    def due(self, start, target):
        """smallest instant t >= start with business(start, t) >= target."""
        if target <= 0:
            return start
        d = self.local_date(start) - dt.timedelta(days=2)
        acc = 0
        for _ in range(4000):
            for s, e in self.day_intervals(d):
                lo = max(s, start)
                if e > lo:
                    if acc + (e - lo) >= target:
                        return lo + (target - acc)
                    acc += e - lo
            d += dt.timedelta(days=1)
        raise RuntimeError('never due')


def load(dbpath):
    """-> {(account_id|None, channel|None): Schedule} from a schedules table, if any."""
    db = sqlite3.connect(dbpath)
    try:
        rows = db.execute('SELECT account_id, channel, time_zone, hours, holidays FROM schedules').fetchall()
    except sqlite3.OperationalError:
        return {}
    return {(a, c): Schedule(z, h, hol) for a, c, z, h, hol in rows}


def lookup(scheds, a, c):
    for k in ((a, c), (a, None), (None, c), (None, None)):
        if k in scheds:
            return scheds[k]
    return None
