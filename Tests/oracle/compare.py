#!/usr/bin/env python3
"""compare.py DB AS_OF [GIVETAKE SCORE OPTIONS...]: the score tables `givetake score` wrote into DB against
oracle.py's rows for the same table. Prints every difference; exits 1 if any.
PERIOD=day|week|month also compares period_scores."""
import os
import sqlite3
import sys

import oracle

TS_COLS = {'started_at', 'due_at', 'last_interaction_at'}
# Floats agree to a relative 1e-9; trust balances are summed in fixed point
# (2^-32), so they also to an absolute 1e-8.
ABS_TOL = {'balance': 1e-8, 'mean_trust': 0.0}


def eq(col, a, b):
    if a is None or b is None:
        return a is None and b is None
    if col in TS_COLS:
        return oracle.parse_ts(b) == a if isinstance(b, str) else a == b
    if isinstance(a, bool):
        a = int(a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b:
            return True
        return abs(a - b) <= max(1e-9 * max(abs(a), abs(b)), ABS_TOL.get(col, 0.0))
    return a == b


KEYS = {'account_scores': ('account_id', 'channel'), 'contact_scores': ('account_id', 'contact_id'),
        'turn_scores': ('account_id', 'turn_id'), 'agent_scores': ('account_id', 'agent_id')}


def main():
    db, as_of = sys.argv[1], sys.argv[2] or None
    period = os.environ.get('PERIOD') or None
    ora = oracle.score(db, as_of, period, sys.argv[3:])
    if period:
        KEYS['period_scores'] = ('account_id', 'period_start')
    con = sqlite3.connect(db)
    bad = 0
    stats = {}
    if os.environ.get('DEBUG'):
        print('ANOM', ora['_anomalies'])
    for t, keycols in KEYS.items():
        cur = con.execute('select * from %s' % t)
        names = [d[0] for d in cur.description]
        scored = {}
        for r in cur.fetchall():
            d = dict(zip(names, r))
            scored[tuple(d[k] for k in keycols)] = d
        o = ora[t]
        n_ok = 0
        for k in sorted(set(scored) | set(o), key=repr):
            if k not in scored:
                print('%s %r: only in the oracle' % (t, k)); bad += 1; continue
            if k not in o:
                print('%s %r: only in givetake' % (t, k)); bad += 1; continue
            diffs = []
            for c, v in o[k].items():
                if not eq(c, v, scored[k].get(c)):
                    diffs.append('%s givetake=%r oracle=%r' % (c, scored[k].get(c), v))
            if diffs:
                bad += 1
                print('%s %r: %s' % (t, k, '; '.join(diffs)))
            else:
                n_ok += 1
        stats[t] = (n_ok, len(set(scored) | set(o)))
    print('STATS', ' '.join('%s=%d/%d' % (t, a, b) for t, (a, b) in stats.items()))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
