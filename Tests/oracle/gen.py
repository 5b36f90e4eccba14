#!/usr/bin/env python3
"""Generate a small adversarial CRM data set into a SQLite file.

usage: gen.py SEED OUT.sqlite      (prints the chosen --as-of on stdout)
"""
import random, sqlite3, sys, datetime as dt

CHANNELS = ['twitter', 'facebook', 'instagram', 'linkedin', 'other']
NEEDS = ['comment', 'mention', 'message', 'reply']

GIVE = ["Tips: how to fix your router in three steps",
        "Here's how to reset your password, happy to help",
        "Check our guide to recycling old phones",
        "Free resource: a checklist for safe hiking",
        "Join our webinar to learn about budgeting",
        "Shout-out to our community, tell us what you think",
        "Kudos to the team, congrats on the launch",
        "A quick tutorial on cleaning your espresso machine"]
TAKE = ["Big sale: 20% off everything, shop now",
        "Order now and get free shipping",
        "Our new collection is here, buy today",
        "Limited time deal: use promo code SAVE10",
        "Only $19.99 this week, don't miss it",
        "Proud to announce our award-winning app",
        "Subscribe now for the best price"]
NEUTRAL = ["We are looking into it",
           "Sorry for the wait, DM us your order number",
           "Could you send us your account email?",
           "Our store opens at 9 tomorrow",
           "You're right, we'll check and get back to you",
           "We've passed this on to our team",
           "Hello there",
           "We’re on it and you’ll hear from us",
           "we'd say you'd like ours, it's yours",
           "US customers: we're here for you",
           "Done.",
           "ok"]
THANKS = ["Thanks for reaching out, we'll fix that",
          "Thank you for your patience",
          "We appreciate your feedback",
          "thx, on it",
          "Good catch, we've updated the page",
          "Great question! Here's how it works",
          "We're grateful for your note",
          "THANKYOU for waiting",
          "Many thanks to you",
          "unthankful is not a word we use"]
INBOUND = ["My order has not arrived", "Is the store open on Sunday?",
           "hello??", "Still waiting for an answer", "Love your product!",
           "The app crashes when I log in", "Can you help me with my bill",
           "any update?", "This is unacceptable", None]
NAMES = ["Maya Ito", "José Álvarez", "J. Smith", "O'Brien Pat", "ÉLODIE Durand",
         "Zoë Kim", "li wei", "X", "", None, None, "@sam_99", "Anne-Marie Roy",
         "DJ", "2pac Shakur", "maya", "Ünal Öz", "Bob", "bob-o"]


def fmt(us):
    t = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=us)
    s = t.strftime('%Y-%m-%d %H:%M:%S')
    if us % 1000000:
        s += '.%06d' % (us % 1000000)
    return s


ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu',
         'America/Los_Angeles', 'UTC', 'Europe/London']
HOURS = ['Mon-Fri 09:00-17:00', 'Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00',
         'Sun 01:00-04:00', 'Sun 02:30-03:30; Mon-Sat 08:00-20:00', 'Fri-Mon 00:00-24:00',
         'Mon,Wed,Fri 06:00-10:00, 14:00-22:00', 'Mon-Sun 00:00-02:30, 03:00-24:00',
         'Sat-Sun 01:30-02:15, 02:15-03:00', 'Tue 23:00-24:00; Wed 00:00-01:00', '', None,
         'Mon-Sun 01:45-02:45', 'Thu-Tue 22:00-24:00']


DST_ZONES = {(3, 8): ['America/New_York', 'America/Los_Angeles'], (3, 29): ['Europe/Berlin', 'Europe/London'],
             (4, 5): ['Australia/Lord_Howe'], (10, 4): ['Australia/Lord_Howe'],
             (10, 25): ['Europe/Berlin', 'Europe/London'], (11, 1): ['America/New_York', 'America/Los_Angeles']}
NIGHT_HOURS = ['Sun 01:00-04:00', 'Sun 02:30-03:30', 'Mon-Sun 01:45-02:45', 'Sat-Sun 01:30-02:15, 02:15-03:00',
               'Sun 00:00-02:00, 02:30-24:00', 'Sat 23:00-24:00; Sun 00:00-01:59, 02:01-03:00']


def transitions(day):
    """UTC microseconds of the offset changes of the day's zones around that day."""
    from zoneinfo import ZoneInfo
    res = []
    for zn in DST_ZONES[(day.month, day.day)]:
        z = ZoneInfo(zn)
        t = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc) - dt.timedelta(days=1)
        for _ in range(72 * 60):
            t2 = t + dt.timedelta(minutes=1)
            if t.astimezone(z).utcoffset() != t2.astimezone(z).utcoffset():
                res.append((t2 - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) // dt.timedelta(microseconds=1))
            t = t2
    return res


def dst_probes(RS, rows, accounts, contacts, names, day):
    """turns that start and end around a daylight-saving change (answered or not)."""
    S = 1000000
    tr = transitions(day)
    nid = max(r['id'] for r in rows) + 1000
    for _ in range(RS.randint(2, 10)):
        T = RS.choice(tr)
        a = RS.choice(accounts); c = RS.choice(contacts[a])
        t0 = T + RS.randint(-16, 16) * 900 * S + (RS.choice([0, 0, 0, 1, -1, 30]) * S)
        nid += 1
        m = dict(id=nid, account_id=a, contact_id=c, parent_id=None, channel=RS.choice(CHANNELS),
                 kind='mention', inbound=1, automated=0, has_media=0, created_at=t0, author_name=names[(a, c)],
                 body='Hello?', value=0.0, thread_id=None, agent_id=None)
        rows.append(m)
        if RS.random() < 0.7:
            nid += 1
            rows.append(dict(m, id=nid, contact_id=c, parent_id=m['id'], kind='reply', inbound=0,
                             created_at=t0 + RS.randint(0, 24) * 900 * S + RS.choice([0, 0, 1, -1]) * S,
                             author_name=None, body='Done.', agent_id=RS.choice([None, 1, 2])))


def write_schedules(RS, db, accounts, t0, t1, dst_day=None):
    db.execute('DROP TABLE IF EXISTS schedules')
    db.execute('CREATE TABLE schedules(account_id INTEGER, channel TEXT, time_zone TEXT, hours TEXT, '
               'holidays TEXT)')
    keys = set()
    for _ in range(RS.randint(1, 4)):
        keys.add((RS.choice(accounts + [None]), RS.choice([None, None] + CHANNELS)))
    d0 = (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=t0)).date()
    d1 = (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=t1)).date()
    span = max(0, (d1 - d0).days)
    for a, c in sorted(keys, key=repr):
        hol = []
        for _ in range(RS.choice([0, 0, 1, 2, 3])):
            hol.append((d0 + dt.timedelta(days=RS.randint(-1, span + 1))).isoformat())
        zone, hours = RS.choice(ZONES), RS.choice(HOURS)
        if dst_day is not None and RS.random() < 0.7:
            zone = RS.choice(DST_ZONES[(dst_day.month, dst_day.day)])
        if RS.random() < 0.5:
            hours = RS.choice(NIGHT_HOURS)
        db.execute('INSERT INTO schedules VALUES (?,?,?,?,?)',
                   (a, c, zone, hours, ','.join(sorted(set(hol))) or None))


def main():
    seed = int(sys.argv[1]); out = sys.argv[2]
    R = random.Random(seed)
    base = int(dt.datetime(2026, 3, 1).timestamp()) * 0  # placeholder
    base = (dt.datetime(2026, 3, 1) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    # business schedules (their own random stream, so that seeds without them keep their tables)
    RS = random.Random(seed * 7777 + 3)
    use_sched = RS.random() < 0.6
    snap = False
    if use_sched:  # start near a daylight-saving change
        dst_day = RS.choice([dt.date(2026, 3, 8), dt.date(2026, 3, 29), dt.date(2026, 4, 5), dt.date(2026, 10, 4),
                             dt.date(2026, 10, 25), dt.date(2026, 11, 1)])
        d0 = dst_day - dt.timedelta(days=RS.randint(0, 3))
        base = (dt.datetime(d0.year, d0.month, d0.day) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
        snap = RS.random() < 0.6
    S = 1000000
    gaps = [0, 0, 1 * S, 59 * S, 3599 * S, 3600 * S, 3600 * S + 1, 3601 * S, 14400 * S,
            14400 * S + 1, 86400 * S, 86400 * S + 1, 2 * 86400 * S, 5 * 86400 * S,
            600 * S, 1800 * S, 7200 * S, 40 * 86400 * S]

    def gap():
        if R.random() < 0.5:
            return R.choice(gaps)
        return R.randint(0, 30000) * S + (R.randint(0, 999999) if R.random() < 0.3 else 0)

    naccounts = R.randint(1, 3)
    accounts = [R.choice([1, 2, 3, 7, 1000000007]) for _ in range(naccounts)]
    accounts = sorted(set(accounts))
    contacts = {a: R.sample(range(1, 12), R.randint(1, 5)) for a in accounts}
    names = {}
    for a in accounts:
        for c in contacts[a]:
            names[(a, c)] = R.choice(NAMES)
    agents = [None, 1, 2, 3, 41]
    rows = []
    nid = [R.choice([1, 100, 5000])]

    def new_id():
        nid[0] += R.choice([1, 1, 1, 2, 7])
        return nid[0]

    def body_out(name):
        r = R.random()
        if r < 0.08:
            return None
        if r < 0.3:
            b = R.choice(THANKS)
        elif r < 0.5:
            b = R.choice(GIVE)
        elif r < 0.62:
            b = R.choice(TAKE)
        else:
            b = R.choice(NEUTRAL)
        if name and R.random() < 0.5:
            first = name.split()[0] if R.random() < 0.7 else name.split()[-1]
            v = R.random()
            if v < 0.25:
                first = first.lower()
            elif v < 0.45:
                first = first.upper()
            elif v < 0.55:
                first = first + "s"
            form = R.choice(["Hi {n}, {b}", "{b} {n}!", "{b}, {n}.", "@{n} {b}", "{n}'s issue: {b}", "{n}’s {b}"])
            b = form.format(n=first, b=b if b is not None else '')
        return b

    def add(**kw):
        r = dict(id=new_id(), account_id=None, contact_id=None, parent_id=None, channel='twitter',
                 kind='comment', inbound=0, automated=0, has_media=0, created_at=0,
                 author_name=None, body=None, value=0.0, thread_id=None, agent_id=None)
        r.update(kw)
        rows.append(r)
        return r

    target = R.randint(10, 160)
    t = base + R.randint(0, 86400) * S
    if snap:
        t -= t % (900 * S)
    while len(rows) < target:
        a = R.choice(accounts)
        c = R.choice(contacts[a])
        ch = R.choice(CHANNELS)
        nm = names[(a, c)]
        t += gap() if R.random() < 0.7 else R.randint(0, 3600) * S
        mode = R.random()
        if mode < 0.15:  # broadcast post/share
            k = 'post' if R.random() < 0.8 else 'share'
            b = R.choice(GIVE + TAKE + NEUTRAL + [None])
            if ch == 'twitter' and R.random() < 0.2:
                b = (b or 'x') + ' ' + 'lorem ' * R.choice([45, 46, 50])
                b = b[:R.choice([279, 280, 281])]
                if R.random() < 0.5:
                    b = 'é' * (len(b) - 1) + '🙂'  # 280 scalars, more bytes
            p = add(account_id=a, channel=ch, kind=k, inbound=0, automated=int(R.random() < 0.1),
                    has_media=int(R.random() < 0.5), created_at=t, body=b,
                    agent_id=R.choice(agents), contact_id=(c if R.random() < 0.1 else None))
            # comments on the post
            for _ in range(R.randint(0, 3)):
                c2 = R.choice(contacts[a])
                t2 = t + gap()
                cm = add(account_id=a, contact_id=c2, parent_id=p['id'], channel=ch,
                         kind=R.choice(['comment', 'comment', 'reply', 'like']), inbound=1,
                         created_at=t2, author_name=names[(a, c2)], body=R.choice(INBOUND))
                if R.random() < 0.6:
                    add(account_id=a, contact_id=(c2 if R.random() < 0.7 else None), parent_id=cm['id'],
                        channel=ch, kind='reply', inbound=0, automated=int(R.random() < 0.15),
                        created_at=t2 + (gap() if R.random() < 0.9 else -R.randint(1, 100) * S),
                        body=body_out(names[(a, c2)]), agent_id=R.choice(agents))
        elif mode < 0.4:  # CRM conversation with thread id
            th = R.randint(1, 6)
            tt = t
            for _ in range(R.randint(1, 6)):
                tt += gap() if R.random() < 0.8 else -R.randint(0, 5) * S
                cc = c if R.random() < 0.8 else R.choice(contacts[a])
                if R.random() < 0.6:
                    add(account_id=a, contact_id=cc, channel=ch if R.random() < 0.9 else R.choice(CHANNELS),
                        kind=R.choice(NEEDS), inbound=1, automated=int(R.random() < 0.07),
                        created_at=tt, author_name=names[(a, cc)] if R.random() < 0.8 else None,
                        body=R.choice(INBOUND), thread_id=th,
                        parent_id=(R.choice(rows)['id'] if rows and R.random() < 0.1 else None))
                else:
                    prev = [r for r in rows if r['thread_id'] == th and r['account_id'] == a and r['inbound']]
                    par = R.choice(prev)['id'] if prev and R.random() < 0.4 else None
                    add(account_id=a, contact_id=(cc if R.random() < 0.6 else None), channel=ch,
                        kind=R.choice(['message', 'comment', 'reply']), inbound=0,
                        automated=int(R.random() < 0.2), created_at=tt, body=body_out(names[(a, cc)]),
                        thread_id=(th if R.random() < 0.9 else None), parent_id=par,
                        agent_id=R.choice(agents))
        elif mode < 0.65:  # DM thread (no thread id)
            tt = t
            for _ in range(R.randint(1, 6)):
                tt += gap() if R.random() < 0.8 else 0
                if R.random() < 0.55:
                    add(account_id=a, contact_id=(c if R.random() < 0.95 else None), channel=ch,
                        kind='message', inbound=1, automated=int(R.random() < 0.07), created_at=tt,
                        author_name=nm if R.random() < 0.85 else R.choice(NAMES), body=R.choice(INBOUND),
                        parent_id=(R.choice(rows)['id'] if R.random() < 0.08 and rows else None))
                else:
                    prev = [r for r in rows if r['account_id'] == a and r['contact_id'] == c and r['inbound']]
                    par = R.choice(prev)['id'] if prev and R.random() < 0.2 else None
                    add(account_id=a, contact_id=(c if R.random() < 0.85 else None), channel=ch,
                        kind='message' if R.random() < 0.9 else 'reply', inbound=0,
                        automated=int(R.random() < 0.15), created_at=tt, body=body_out(nm),
                        parent_id=par, agent_id=R.choice(agents))
        elif mode < 0.78:  # mentions / standalone comments, maybe answered directly
            m = add(account_id=a, contact_id=c, channel=ch, kind=R.choice(['mention', 'comment', 'reply']),
                    inbound=1, automated=int(R.random() < 0.05), created_at=t, author_name=nm,
                    body=R.choice(INBOUND),
                    parent_id=(R.choice(rows)['id'] if R.random() < 0.3 and rows else None))
            for _ in range(R.choice([0, 1, 1, 2])):
                add(account_id=a if R.random() < 0.95 else R.choice(accounts),
                    contact_id=(c if R.random() < 0.7 else None), parent_id=m['id'],
                    channel=ch, kind=R.choice(['reply', 'comment', 'mention', 'message']), inbound=0,
                    automated=int(R.random() < 0.15),
                    created_at=t + (gap() if R.random() < 0.9 else -R.randint(1, 4000) * S),
                    body=body_out(nm), agent_id=R.choice(agents))
        else:  # likes, leads, purchases
            k = R.choice(['like', 'lead', 'purchase', 'purchase'])
            par = None
            if rows and R.random() < 0.3:
                par = R.choice(rows)['id']
            add(account_id=a, contact_id=(c if R.random() < 0.9 else None), channel=ch, kind=k,
                inbound=1, created_at=t, author_name=nm, parent_id=par,
                value=(round(R.uniform(1, 300), 2) if k == 'purchase' else (R.choice([0.0, 0.0, 5.0]))),
                body=None)
            if k != 'purchase' and R.random() < 0.3:
                # inbound reply to a give post, then a lead later (attribution)
                posts = [r for r in rows if r['kind'] == 'post' and r['account_id'] == a and not r['inbound']]
                if posts:
                    p = R.choice(posts)
                    add(account_id=a, contact_id=c, channel=ch, kind=R.choice(['comment', 'like']),
                        inbound=1, created_at=t + R.choice([0, 60 * S, 30 * 86400 * S, 31 * 86400 * S]) * -1,
                        parent_id=p['id'], author_name=nm, body=R.choice(INBOUND))
    if use_sched and RS.random() < 0.7:
        dst_probes(RS, rows, accounts, contacts, names, dst_day)
    # anomalies
    n = len(rows)
    for _ in range(R.randint(0, 6)):
        r = R.choice(rows)
        x = R.random()
        if R.random() < 0.3:
            y = R.random()
            if y < 0.35:  # duplicate id whose other copy has an unknown channel/kind, earlier or later
                d = dict(r)
                if R.random() < 0.5:
                    d['channel'] = R.choice(['tiktok', 'email'])
                else:
                    d['kind'] = R.choice(['story', 'dm'])
                d['created_at'] = r['created_at'] + R.choice([-1, 0, 1, -3600 * S])
                rows.append(d)
            elif y < 0.6:  # a row pointing at an unknown-channel row
                u = dict(r); u['id'] = new_id(); u['channel'] = 'tiktok'
                rows.append(u)
                add(account_id=r['account_id'], contact_id=r['contact_id'], parent_id=u['id'],
                    channel=R.choice(CHANNELS), kind=R.choice(['message', 'reply', 'comment']),
                    inbound=R.choice([0, 1]), created_at=r['created_at'] + 5 * S,
                    author_name=names.get((r['account_id'], r['contact_id'])), body='Thanks, any news?')
            elif y < 0.8:  # duplicate id in another account at the same time
                d = dict(r); d['account_id'] = R.choice(accounts + [99])
                d['body'] = R.choice([r['body'], 'Different body here'])
                rows.append(d)
            else:  # a reply pointing at a duplicated id (both copies exist)
                d = dict(r); d['created_at'] = r['created_at'] + R.choice([1, -1]) * R.randint(1, 5000) * S
                d['inbound'] = 1 - r['inbound']; d['body'] = 'Dup copy ' + str(R.randint(0, 9))
                rows.append(d)
                add(account_id=r['account_id'], contact_id=r['contact_id'], parent_id=r['id'],
                    channel=r['channel'], kind='reply', inbound=0, created_at=r['created_at'] + 120 * S,
                    body='Thank you, fixed', agent_id=3)
            continue
        if x < 0.2:
            for q in rows:
                if q['id'] == r['id']:
                    q['parent_id'] = r['id']
        elif x < 0.4:
            pp = 999999 + R.randint(0, 5)
            for q in rows:
                if q['id'] == r['id']:
                    q['parent_id'] = pp
        elif x < 0.55:
            rows.append(dict(r))  # exact duplicate
        elif x < 0.7:  # duplicate id, different content, later time or other account
            d = dict(r)
            d['created_at'] = r['created_at'] + R.choice([0, 0, 1, -1, 3600 * S])
            if d['created_at'] == r['created_at'] and R.random() < 0.5:
                d['account_id'] = R.choice(accounts)
            if d['created_at'] == r['created_at'] and d['account_id'] == r['account_id']:
                d['body'] = R.choice(['A totally different body', 'Zz', None, ''])
                if (d['body'] or '')[:8] == (r['body'] or '')[:8] and len(d['body'] or '') == len(r['body'] or ''):
                    d['body'] = 'QQQQQQQQQQ different'
            else:
                d['body'] = R.choice([r['body'], 'Another body', None])
                d['inbound'] = R.choice([0, 1])
                d['kind'] = R.choice(['comment', 'message', 'post', 'reply'])
            rows.append(d)
        elif x < 0.8:
            r2 = dict(r); r2['id'] = new_id(); r2['channel'] = R.choice(['tiktok', 'Twitter', 'email'])
            rows.append(r2)
        elif x < 0.9:
            r2 = dict(r); r2['id'] = new_id(); r2['kind'] = R.choice(['story', 'Comment', 'dm'])
            rows.append(r2)
        else:
            # reply in another account pointing at this row
            if len(accounts) > 1:
                add(account_id=[x for x in accounts if x != r['account_id']][0], parent_id=r['id'],
                    channel=r['channel'], kind='reply', inbound=0, created_at=r['created_at'] + 60 * S,
                    body='Thanks for your message', agent_id=1, contact_id=r['contact_id'])
    if R.random() < 0.3:  # a later row that is not scored (unknown value or dropped duplicate)
        r = dict(R.choice(rows)); mx0 = max(q['created_at'] for q in rows)
        r['created_at'] = mx0 + R.choice([1, 86400 * S])
        if R.random() < 0.5:
            r['id'] = new_id(); r['channel'] = 'email'
        rows.append(r)
    R.shuffle(rows)
    db = sqlite3.connect(out)
    db.execute('DROP TABLE IF EXISTS interactions')
    db.execute('CREATE TABLE interactions(id INTEGER, account_id INTEGER, contact_id INTEGER NULL, '
               'parent_id INTEGER NULL, channel TEXT, kind TEXT, inbound INTEGER, automated INTEGER, '
               'has_media INTEGER, created_at TEXT, author_name TEXT NULL, body TEXT NULL, value REAL, '
               'thread_id INTEGER NULL, agent_id INTEGER NULL)')
    for r in rows:
        db.execute('INSERT INTO interactions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                   (r['id'], r['account_id'], r['contact_id'], r['parent_id'], r['channel'], r['kind'],
                    r['inbound'], r['automated'], r['has_media'], fmt(r['created_at']), r['author_name'],
                    r['body'], r['value'], r['thread_id'], r['agent_id']))
    if use_sched:
        write_schedules(RS, db, accounts, base, max(r['created_at'] for r in rows), dst_day)
    db.commit()
    mx = max(r['created_at'] for r in rows)
    y = R.random()
    if y < 0.3:
        asof = mx
    elif y < 0.6:
        asof = mx + R.choice([1, 3600 * S, 14400 * S, 86400 * S, 3600 * S - 1, 3600 * S + 1])
    elif y < 0.8:
        asof = R.choice(rows)['created_at'] + R.choice([0, 3600 * S, 14400 * S])
    else:
        asof = mx + R.randint(0, 10 * 86400) * S
    print(fmt(asof))


if __name__ == '__main__':
    main()
