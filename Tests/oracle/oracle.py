#!/usr/bin/env python3
"""A second, independent implementation of the metrics (docs/metrics.md,
spec sections 2-7) for differential tests: plain, slow and written from the
specification, not from the engine. It scores an `interactions` table of a
SQLite file with ack_unit = turn, the calendar SLA clock, the default
targets and no business schedules (business time = calendar time); give /
take / neutral labels come from `givetake classify -`. Where the
specification leaves a choice, it makes the one docs/metrics.md documents
(see CHOICES).

usage: oracle.py DB.sqlite AS_OF   -> prints the score tables as JSON
"""
import datetime as dt
import json
import math
import os
import re
import sqlite3
import subprocess

import biz
import sys
from decimal import ROUND_HALF_UP, Decimal

GIVETAKE = os.environ.get('GIVETAKE') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'dist', 'bin', 'givetake')
CHANNELS = ('twitter', 'facebook', 'instagram', 'linkedin', 'other')
KINDS = ('post', 'share', 'comment', 'reply', 'mention', 'message', 'like', 'lead', 'purchase')
NEEDS_ACK_KINDS = ('comment', 'mention', 'message', 'reply')
S = 1000000
SLA = {'twitter': 3600 * S, 'facebook': 4 * 3600 * S, 'instagram': 4 * 3600 * S,
       'linkedin': 24 * 3600 * S, 'other': 24 * 3600 * S}
HALF_LIFE = 90 * 86400.0
GIVE_TARGET = 0.8
HEALTH_W = (0.30, 0.15, 0.15, 0.25, 0.15)

# The documented choices where the specification is open (docs/metrics.md).
CHOICES = {
    # channel and kind are read ASCII-case-insensitively
    'enum_case_insensitive': True,
    # rows of unknown channel or kind take no part in the duplicate rule
    'dedup_before_unknown_filter': False,
    # a message without a contact has no DM thread (and no DM acknowledgement)
    'dm_needs_contact': True,
    # an account x channel (or period) whose rows were all dropped still gets
    # its row, carrying the anomalies
    'channel_rows_from_anomalies': True,
    # a trust event's weighted value saturates at +-2^60 (more than 60
    # half-lives after as_of)
    'trust_event_limit': 2.0 ** 60,
    'period_rows_from_anomalies': True,
}
OPT = CHOICES


# ---------------------------------------------------------------- time
def parse_ts(s):
    if s is None:
        return None
    s = s.strip()
    m = re.match(r'^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.(\d{1,6}))?$', s)
    if not m:
        raise ValueError('bad ts %r' % s)
    y, mo, d, h, mi, se = (int(m.group(i)) for i in range(1, 7))
    frac = int((m.group(8) or '0').ljust(6, '0'))
    days = (dt.date(y, mo, d) - dt.date(1970, 1, 1)).days
    return ((days * 86400 + h * 3600 + mi * 60 + se) * S) + frac


# ---------------------------------------------------------------- text
def is_word(ch):
    return ('a' <= ch <= 'z') or ('A' <= ch <= 'Z') or ('0' <= ch <= '9') or ord(ch) > 127


def is_letter(ch):
    return ('a' <= ch <= 'z') or ('A' <= ch <= 'Z') or ord(ch) > 127


def lower_ascii(s):
    return ''.join(chr(ord(c) + 32) if 'A' <= c <= 'Z' else c for c in s)


def boundary_before(text, i):
    return i == 0 or not is_word(text[i - 1])


def boundary_after(text, j):
    return j == len(text) or not is_word(text[j])


def contains_word(text, phrase):
    """phrase matched as a word (ASCII case-insensitive), boundaries on both sides."""
    if text is None or not phrase:
        return False
    t = lower_ascii(text); p = lower_ascii(phrase)
    i = t.find(p)
    while i >= 0:
        if boundary_before(t, i) and boundary_after(t, i + len(p)):
            return True
        i = t.find(p, i + 1)
    return False


def first_name(author):
    if author is None:
        return None
    run = ''
    for ch in author + ' ':
        if is_letter(ch) and ch != ' ':
            run += ch
        else:
            if len(run) >= 2:
                return run
            run = ''
    return None


def appreciative(body):
    if body is None:
        return False
    t = lower_ascii(body)
    for pre in ('thank', 'appreciat', 'grateful'):
        i = t.find(pre)
        while i >= 0:
            if boundary_before(t, i):
                return True
            i = t.find(pre, i + 1)
    for w in ('thx', 'good catch', 'great question', 'great point'):
        if contains_word(t, w):
            return True
    return False


WE = ["we", "we're", "we've", "we'll", "our", "ours", "us"]
YOU = ["you", "you're", "you've", "you'll", "your", "yours"]


def me_counts(body):
    """(we, you) counts; leftmost-longest non-overlapping whole-word matches."""
    if body is None:
        return 0, 0
    t = lower_ascii(body).replace('\u2019', "'")  # ’ -> ' for matching (both are listed)
    # Note: replacing ’ (a word char) with ' changes boundaries only inside the listed
    # contractions, because we only accept a match whose own text contains the apostrophe
    # when the original char was an apostrophe; boundaries are checked on the original text.
    orig = lower_ascii(body)
    cands = [(w, 'we') for w in WE] + [(w, 'you') for w in YOU]
    we = you = 0
    i = 0
    n = len(t)
    while i < n:
        best = None
        if boundary_before(orig, i):
            for w, cls in cands:
                if t.startswith(w, i) and boundary_after(orig, i + len(w)):
                    if best is None or len(w) > len(best[0]):
                        best = (w, cls)
        if best:
            if best[1] == 'we':
                we += 1
            else:
                you += 1
            i += len(best[0])
        else:
            i += 1
    return we, you


def classify_all(texts):
    texts = sorted(set(texts))
    if not texts:
        return {}
    inp = ''.join(t + '\n' for t in texts)
    out = subprocess.run([GIVETAKE, 'classify', '-'], input=inp.encode('utf-8'),
                         stdout=subprocess.PIPE, check=True).stdout.decode('utf-8')
    lines = out.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    assert len(lines) == len(texts), (len(lines), len(texts))
    res = {}
    for t, l in zip(texts, lines):
        res[t] = l.split('\t')[0]
    return res


# ---------------------------------------------------------------- helpers
def pct_disc(vals, num, den):
    """smallest value whose cumulative share >= num/den (exact)."""
    if not vals:
        return None
    v = sorted(vals)
    n = len(v)
    k = -((-num * n) // den)  # ceil(num*n/den)
    k = max(k, 1)
    return v[k - 1]


def rate(a, b):
    return None if b == 0 else a / b


def round_half_away(x):
    return int(Decimal(repr(x)).quantize(Decimal('1'), rounding=ROUND_HALF_UP))


def body_key(b):
    bb = (b or '').encode('utf-8')
    return (int.from_bytes(bb[:8].ljust(8, b'\0'), 'big'), min(len(bb), (1 << 24) - 1))


# ---------------------------------------------------------------- main scoring
DUR = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}


def parse_dur(x):
    m = re.match(r'^(\d+(?:\.\d+)?)([smhd])$', x.strip())
    return float(m.group(1)) * DUR[m.group(2)]


def parse_opts(argv):
    """the CLI options (a list as passed to givetake) -> settings."""
    o = {'sla': dict(SLA), 'half_life': HALF_LIFE, 'give_target': GIVE_TARGET, 'ack_unit': 'turn',
         'clock': {c: 'calendar' for c in CHANNELS}}
    i = 0
    while i < len(argv):
        k, v = argv[i], argv[i + 1]
        i += 2
        if k == '--sla':
            for part in v.split(','):
                ch, d = part.split('=')
                us = int(round(parse_dur(d) * S))
                for c in (CHANNELS if ch == 'all' else [ch]):
                    o['sla'][c] = us
        elif k == '--half-life':
            o['half_life'] = parse_dur(v)
        elif k == '--give-target':
            o['give_target'] = float(v)
        elif k == '--ack-unit':
            o['ack_unit'] = v
        elif k == '--sla-clock':
            if '=' not in v:
                o['clock'] = {c: v for c in CHANNELS}
            else:
                for part in v.split(','):
                    ch, cl = part.split('=')
                    for c in (CHANNELS if ch == 'all' else [ch]):
                        o['clock'][c] = cl
        else:
            raise ValueError(k)
    return o


def score(dbpath, as_of_str, period=None, argv=()):
    st_ = parse_opts(list(argv))
    SLA, HALF_LIFE, GIVE_TARGET = st_['sla'], st_['half_life'], st_['give_target']
    scheds = biz.load(dbpath)

    def sched_of(a, c):
        return biz.lookup(scheds, a, c)

    def btime(a, c, t0, t1):
        sc = sched_of(a, c)
        if sc is None:
            return max(0, t1 - t0)
        return sc.business(t0, t1)

    db = sqlite3.connect(dbpath)
    cols = ['id', 'account_id', 'contact_id', 'parent_id', 'channel', 'kind', 'inbound', 'automated',
            'has_media', 'created_at', 'author_name', 'body', 'value', 'thread_id', 'agent_id']
    raw = [dict(zip(cols, r)) for r in db.execute('SELECT %s FROM interactions' % ','.join(cols))]
    for r in raw:
        r['t'] = parse_ts(r['created_at'])
        r['value'] = float(r['value'] or 0.0)
        r['inbound'] = bool(r['inbound']); r['automated'] = bool(r['automated'])
        r['has_media'] = bool(r['has_media'])
        if OPT['enum_case_insensitive']:
            if isinstance(r['channel'], str) and lower_ascii(r['channel']) in CHANNELS:
                r['channel'] = lower_ascii(r['channel'])
            if isinstance(r['kind'], str) and lower_ascii(r['kind']) in KINDS:
                r['kind'] = lower_ascii(r['kind'])
        r['known'] = r['channel'] in CHANNELS and r['kind'] in KINDS
    anomalies = []  # (account, channel-or-None)

    def dedup(rs):
        by = {}
        for r in rs:
            by.setdefault(r['id'], []).append(r)
        kept = []
        for i, g in by.items():
            g.sort(key=lambda r: (r['t'], r['account_id'], body_key(r['body'])))
            kept.append(g[0])
            for d in g[1:]:
                anomalies.append((d['account_id'], d['channel'] if d['channel'] in CHANNELS else None, 'dup', d['t']))
        return kept

    def drop_unknown(rs):
        for r in rs:
            if not r['known']:
                anomalies.append((r['account_id'], r['channel'] if r['channel'] in CHANNELS else None, 'unknown', r['t']))
        return [r for r in rs if r['known']]

    if OPT['dedup_before_unknown_filter']:
        rows = drop_unknown(dedup(raw))
    else:
        rows = dedup(drop_unknown(raw))
    byid = {r['id']: r for r in rows}
    for r in rows:
        p = r['parent_id']
        r['par'] = None
        if p is None:
            continue
        if p == r['id']:
            anomalies.append((r['account_id'], r['channel'], 'selfparent', r['t']))
        elif p not in byid:
            anomalies.append((r['account_id'], r['channel'], 'noparent', r['t']))
        else:
            r['par'] = p
    as_of = parse_ts(as_of_str) if as_of_str else max(r['t'] for r in rows)

    # labels of outbound bodies (all outbound rows; null body -> '' -> neutral)
    labels = classify_all([(r['body'] or '') for r in rows if not r['inbound']])
    for r in rows:
        r['label'] = labels.get(r['body'] or '') if not r['inbound'] else None

    def out_na(r):
        return (not r['inbound']) and (not r['automated'])

    def needs_ack(r):
        return r['inbound'] and not r['automated'] and r['kind'] in NEEDS_ACK_KINDS

    def dm_ok(r):
        return r['contact_id'] is not None or not OPT['dm_needs_contact']

    def thread_key_in(r):
        if r['thread_id'] is not None:
            return ('T', r['account_id'], r['thread_id'])
        if r['kind'] == 'message' and r['par'] is None and dm_ok(r):
            return ('D', r['account_id'], r['contact_id'], r['channel'])
        return ('S', r['id'])

    def thread_key_out(r):
        if r['thread_id'] is not None:
            return ('T', r['account_id'], r['thread_id'])
        if r['kind'] == 'message' and r['par'] is None and dm_ok(r):
            return ('D', r['account_id'], r['contact_id'], r['channel'])
        return None

    def order(r):
        return (r['t'], 0 if r['inbound'] else 1, r['id'])

    threads = {}
    for r in rows:
        if needs_ack(r):
            threads.setdefault(thread_key_in(r), []).append(r)
        elif out_na(r):
            k = thread_key_out(r)
            if k is not None:
                threads.setdefault(k, []).append(r)
    outs = [r for r in rows if out_na(r)]
    children = {}
    for o in outs:
        if o['par'] is not None:
            children.setdefault(o['par'], []).append(o)

    def acks_of(i):
        res = []
        for o in children.get(i['id'], []):
            if o['account_id'] == i['account_id']:
                res.append(o)
        for o in outs:
            if o['account_id'] != i['account_id']:
                continue
            if i['thread_id'] is not None and o['thread_id'] == i['thread_id'] and o['t'] >= i['t']:
                res.append(o)
            elif (i['thread_id'] is None and o['thread_id'] is None and i['kind'] == 'message'
                  and o['kind'] == 'message' and o['par'] is None and o['contact_id'] == i['contact_id']
                  and dm_ok(i) and o['channel'] == i['channel'] and o['t'] >= i['t']):
                res.append(o)
        return res

    turns = []
    for k, evs in threads.items():
        evs.sort(key=order)
        cur = None
        for e in evs:
            if needs_ack(e):
                if cur is None or st_['ack_unit'] == 'row':
                    cur = {'rows': [], 'key': k}
                    turns.append(cur)
                cur['rows'].append(e)
            else:
                cur = None
    for tu in turns:
        st = tu['rows'][0]
        tu['start'] = st
        tu['account_id'] = st['account_id']
        tu['channel'] = st['channel']
        tu['contact_id'] = st['contact_id']
        tu['thread_id'] = st['thread_id'] if tu['key'][0] == 'T' else None
        cands = []
        for i in tu['rows']:
            cands.extend(acks_of(i))
        first = min(cands, key=lambda o: (o['t'], o['id'])) if cands else None
        tu['first'] = first
        target = SLA[st['channel']]
        business = st_['clock'][st['channel']] == 'business'
        sc = sched_of(st['account_id'], st['channel'])
        if business and sc is not None:
            tu['due'] = sc.due(st['t'], target)
        else:
            tu['due'] = st['t'] + target
        if first is not None:
            tu['status'] = 'acknowledged'
            if first['t'] < st['t']:
                anomalies.append((st['account_id'], st['channel'], 'skew', st['t']))
            tta = max(0, first['t'] - st['t'])
            tu['tta'] = tta
            tu['btta'] = btime(st['account_id'], st['channel'], st['t'], first['t'])
            named = [r for r in tu['rows'] if r['author_name'] is not None]
            fn = first_name(named[0]['author_name']) if named else None
            tu['personal'] = bool(fn) and contains_word(first['body'], fn)
            tu['appreciative'] = appreciative(first['body'])
            tu['within'] = (tu['btta'] if business else tta) <= target
        else:
            el = btime(st['account_id'], st['channel'], st['t'], as_of) if business else (as_of - st['t'])
            tu['status'] = 'pending' if el < target else 'unacknowledged'
            tu['tta'] = None; tu['personal'] = tu['appreciative'] = tu['within'] = None
            tu['btta'] = None

    def weight(t):
        x = -((as_of - t) / S) / HALF_LIFE
        return math.inf if x > 1023 else 2.0 ** x

    def event(v):
        # Documented range: a weighted event saturates at +-2^60.
        lim = CHOICES['trust_event_limit']
        return max(-lim, min(lim, v))

    # trust events: (account, contact, channel, value)
    events = []
    for tu in turns:
        if tu['contact_id'] is None:
            continue
        if tu['status'] == 'acknowledged':
            v = 1.0 + (0.5 if tu['personal'] else 0) + (0.5 if tu['within'] else 0)
        elif tu['status'] == 'unacknowledged':
            v = -1.0
        else:
            continue
        events.append((tu['account_id'], tu['contact_id'], tu['channel'], event(v * weight(tu['start']['t'])),
                       (lambda rin, tin, tu=tu: tin(tu))))
    for r in outs:
        if r['contact_id'] is None:
            continue
        if r['label'] == 'give':
            events.append((r['account_id'], r['contact_id'], r['channel'], event(0.5 * weight(r['t'])),
                           (lambda rin, tin, r=r: rin(r))))
        elif r['label'] == 'take':
            events.append((r['account_id'], r['contact_id'], r['channel'], event(-0.5 * weight(r['t'])),
                           (lambda rin, tin, r=r: rin(r))))

    def trust(b):
        return round_half_away(50 + 50 * math.tanh(b / 4))

    def agg(a, tin, rin, cin, ain):
        """tin(turn), rin(row) scope turns / rows; cin(row) scopes conversion & purchase rows;
        ain(anomaly) scopes anomalies."""
        T = [tu for tu in turns if tu['account_id'] == a and tin(tu)]
        np_ = [tu for tu in T if tu['status'] != 'pending']
        ack = [tu for tu in T if tu['status'] == 'acknowledged']
        tt = [tu['tta'] for tu in ack]
        btt = [tu['btta'] for tu in ack]
        row = {'needs_ack': len(np_), 'pending': len(T) - len(np_), 'acknowledged': len(ack),
               'ack_rate': rate(len(ack), len(np_)),
               'personal_rate': rate(sum(1 for tu in ack if tu['personal']), len(ack)),
               'appreciative_rate': rate(sum(1 for tu in ack if tu['appreciative']), len(ack)),
               'sla_rate': rate(sum(1 for tu in ack if tu['within']), len(np_))}
        for nm, (p, q) in (('median', (1, 2)), ('p90', (9, 10))):
            v = pct_disc(tt, p, q)
            row[nm + '_ack_s'] = None if v is None else v / S
            v = pct_disc(btt, p, q)
            row[nm + '_ack_business_s'] = None if v is None else v / S
        O = [r for r in outs if r['account_id'] == a and rin(r)]
        PS = [r for r in O if r['kind'] in ('post', 'share')]
        g = sum(1 for r in PS if r['label'] == 'give'); tk = sum(1 for r in PS if r['label'] == 'take')
        row['give_posts'] = g; row['take_posts'] = tk; row['neutral_posts'] = len(PS) - g - tk
        row['give_ratio'] = rate(g, g + tk)
        we = you = 0
        for r in O:
            w_, y_ = me_counts(r['body']); we += w_; you += y_
        row['me_index'] = rate(we, we + you)
        den = sum(1 for r in O if r['kind'] in ('post', 'share', 'reply', 'comment', 'message', 'mention'))
        row['reply_share'] = rate(sum(1 for r in O if r['kind'] in ('reply', 'comment', 'message')), den)
        posts = [r for r in O if r['kind'] == 'post']
        fit = 0
        for r in posts:
            if r['channel'] == 'instagram':
                fit += r['has_media']
            elif r['channel'] == 'twitter':
                fit += (r['body'] is None or len(r['body']) <= 280)
            else:
                fit += 1
        row['channel_fit'] = rate(fit, len(posts))
        row['contacts'] = len(set(r['contact_id'] for r in rows
                                  if r['account_id'] == a and rin(r) and r['contact_id'] is not None))
        bal = {}
        for (ea, ec, ech, v, ev) in events:
            if ea == a and ev(rin, tin):
                bal.setdefault(ec, []).append(v)
        scores = [trust(math.fsum(vs)) for vs in bal.values()]  # exact sums, as the spec asks
        row['mean_trust'] = (sum(scores) / len(scores)) if scores else None
        # return on giving
        cons = {}
        for tu in T:
            if tu['contact_id'] is not None:
                cons.setdefault(tu['contact_id'], []).append(tu)
        tw = ig = tw_conv = ig_conv = 0
        tw_value = 0.0
        for c, ts in cons.items():
            na = [tu for tu in ts if tu['status'] == 'acknowledged']
            nu = [tu for tu in ts if tu['status'] == 'unacknowledged']
            nonp = [tu for tu in ts if tu['status'] != 'pending']
            if not nonp:
                continue
            first_t = min(nonp, key=lambda tu: (tu['start']['t'], tu['start']['id']))['start']['t']
            conv = any(r['kind'] in ('lead', 'purchase') and r['account_id'] == a and r['contact_id'] == c
                       and r['t'] > first_t and cin(r) for r in rows)
            if na and not nu:
                tw += 1; tw_conv += conv
                tw_value += sum(r['value'] for r in rows if r['kind'] == 'purchase'
                                and r['account_id'] == a and r['contact_id'] == c and cin(r))
            elif nu and not na:
                ig += 1; ig_conv += conv
        row['conv_rate_ack'] = rate(tw_conv, tw)
        row['conv_rate_ignored'] = rate(ig_conv, ig)
        row['conversion_lift'] = (None if row['conv_rate_ack'] is None or not row['conv_rate_ignored']
                                  else row['conv_rate_ack'] / row['conv_rate_ignored'])
        row['value_per_ack_contact'] = rate(tw_value, tw)
        gal = 0
        for L in rows:
            if L['kind'] != 'lead' or L['contact_id'] is None or L['account_id'] != a or not rin(L):
                continue
            ok = False
            for r in rows:
                if (r['inbound'] and r['contact_id'] == L['contact_id'] and r['par'] is not None
                        and L['t'] - 30 * 86400 * S <= r['t'] <= L['t']):
                    p = byid[r['par']]
                    if (not p['inbound'] and p['kind'] == 'post' and p['account_id'] == a
                            and p['label'] == 'give'):
                        ok = True
                        break
            gal += ok
        row['give_attributed_leads'] = gal
        comps = [row['ack_rate'], row['personal_rate'], row['sla_rate'],
                 None if row['give_ratio'] is None else min(1.0, row['give_ratio'] / GIVE_TARGET),
                 None if row['me_index'] is None else 1 - row['me_index']]
        num = sum(w * c for w, c in zip(HEALTH_W, comps) if c is not None)
        dw = sum(w for w, c in zip(HEALTH_W, comps) if c is not None)
        row['health'] = None if dw == 0 else 100 * num / dw
        row['anomalies'] = sum(1 for an in anomalies if an[0] == a and ain(an))
        return row

    # ------------------------------------------------ account rows
    accounts = sorted(set(r['account_id'] for r in rows) | set(an[0] for an in anomalies))
    acc_rows = {}
    for a in accounts:
        chans = set(r['channel'] for r in rows if r['account_id'] == a)
        if OPT['channel_rows_from_anomalies']:
            chans |= set(an[1] for an in anomalies if an[0] == a and an[1] is not None)
        chans = sorted(chans)
        for ch in [None] + chans:
            if ch is None:
                acc_rows[(a, ch)] = agg(a, lambda tu: True, lambda r: True, lambda r: True, lambda an: True)
            else:
                acc_rows[(a, ch)] = agg(a, lambda tu, ch=ch: tu['channel'] == ch, lambda r, ch=ch: r['channel'] == ch,
                                        lambda r: True, lambda an, ch=ch: an[1] == ch)

    # ------------------------------------------------ periods (UTC: no schedules)
    per_rows = {}
    if period:
        def pstart(t, a):
            sc = scheds.get((a, None)) or scheds.get((None, None))
            d = (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=t)).date() if sc is None \
                else sc.local_date(t)
            if period == 'week':
                d = d - dt.timedelta(days=d.weekday())
            elif period == 'month':
                d = d.replace(day=1)
            return d.isoformat()
        for a in accounts:
            ps = set(pstart(r['t'], a) for r in rows if r['account_id'] == a)
            if OPT['period_rows_from_anomalies']:
                ps |= set(pstart(an[3], a) for an in anomalies if an[0] == a)
            for P in sorted(ps):
                row = agg(a, lambda tu, P=P, a=a: pstart(tu['start']['t'], a) == P,
                          lambda r, P=P, a=a: pstart(r['t'], a) == P,
                          lambda r, P=P, a=a: pstart(r['t'], a) == P, lambda an, P=P, a=a: pstart(an[3], a) == P)
                del row['contacts'], row['mean_trust']
                per_rows[(a, P)] = row

    # ------------------------------------------------ contacts
    con_rows = {}
    pairs = set((r['account_id'], r['contact_id']) for r in rows if r['contact_id'] is not None)
    for (a, c) in pairs:
        vs = [e[3] for e in events if e[0] == a and e[1] == c]
        b = math.fsum(vs)
        con_rows[(a, c)] = {
            'balance': b, 'trust_score': trust(b),
            'acknowledged': sum(1 for tu in turns if tu['account_id'] == a and tu['contact_id'] == c
                                and tu['status'] == 'acknowledged'),
            'unacknowledged': sum(1 for tu in turns if tu['account_id'] == a and tu['contact_id'] == c
                                  and tu['status'] == 'unacknowledged'),
            'last_interaction_at': max(r['t'] for r in rows if r['account_id'] == a and r['contact_id'] == c)}

    # ------------------------------------------------ turns
    turn_rows = {}
    for tu in turns:
        ack = tu['status'] == 'acknowledged'
        turn_rows[(tu['account_id'], tu['start']['id'])] = {
            'thread_id': tu['thread_id'], 'contact_id': tu['contact_id'], 'channel': tu['channel'],
            'started_at': tu['start']['t'], 'inbound_rows': len(tu['rows']), 'status': tu['status'],
            'first_ack_id': tu['first']['id'] if ack else None,
            'agent_id': tu['first']['agent_id'] if ack else None,
            'time_to_ack_s': tu['tta'] / S if ack else None,
            'business_time_to_ack_s': tu['btta'] / S if ack else None,
            'personal': int(tu['personal']) if ack else None,
            'appreciative': int(tu['appreciative']) if ack else None,
            'within_sla': int(tu['within']) if ack else None,
            'due_at': tu['due']}

    # ------------------------------------------------ agents
    agent_rows = {}
    keys = set((r['account_id'], r['agent_id']) for r in outs)
    keys |= set((tu['account_id'], tu['first']['agent_id']) for tu in turns if tu['status'] == 'acknowledged')
    for (a, g) in keys:
        ack = [tu for tu in turns if tu['status'] == 'acknowledged' and tu['account_id'] == a
               and tu['first']['agent_id'] == g]
        tt = [tu['tta'] for tu in ack]
        btt = [tu['btta'] for tu in ack]
        row = {'acknowledged': len(ack)}
        for nm, (p, q) in (('median', (1, 2)), ('p90', (9, 10))):
            v = pct_disc(tt, p, q)
            row[nm + '_ack_s'] = None if v is None else v / S
            v = pct_disc(btt, p, q)
            row[nm + '_ack_business_s'] = None if v is None else v / S
        row['personal_rate'] = rate(sum(1 for tu in ack if tu['personal']), len(ack))
        row['appreciative_rate'] = rate(sum(1 for tu in ack if tu['appreciative']), len(ack))
        row['sla_rate'] = rate(sum(1 for tu in ack if tu['within']), len(ack))
        O = [r for r in outs if r['account_id'] == a and r['agent_id'] == g]
        PS = [r for r in O if r['kind'] in ('post', 'share')]
        gp = sum(1 for r in PS if r['label'] == 'give'); tp = sum(1 for r in PS if r['label'] == 'take')
        row['give_posts'] = gp; row['take_posts'] = tp; row['give_ratio'] = rate(gp, gp + tp)
        we = you = 0
        for r in O:
            w_, y_ = me_counts(r['body']); we += w_; you += y_
        row['me_index'] = rate(we, we + you)
        agent_rows[(a, g)] = row
    return {'account_scores': acc_rows, 'contact_scores': con_rows, 'turn_scores': turn_rows,
            'agent_scores': agent_rows, 'period_scores': per_rows, '_anomalies': anomalies, '_turns': turns}


if __name__ == '__main__':
    res = score(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None,
                (sys.argv[3] or None) if len(sys.argv) > 3 else None, sys.argv[4:])
    print(json.dumps({t: {repr(k): v for k, v in d.items()} for t, d in res.items()}, indent=1,
                     ensure_ascii=False))
