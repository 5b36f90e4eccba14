#!/usr/bin/env python3
"""opts.py SEED: the random scoring options of a seed (one argument a line),
passed the same to `givetake score` and to the oracle. Deterministic."""
import random
import sys

seed = int(sys.argv[1])
R = random.Random(seed * 1000003 + 17)
CH = ['twitter', 'facebook', 'instagram', 'linkedin', 'other']
out = []
if R.random() < 0.4:
    out += ['--ack-unit', 'row']
if R.random() < 0.5:
    parts = []
    if R.random() < 0.3:
        parts.append('all=' + R.choice(['2h', '30m', '1d', '45m']))
    for c in R.sample(CH, R.randint(1, 3)):
        parts.append(c + '=' + R.choice(['1s', '59s', '10m', '90m', '1h', '2h', '3h', '8h', '1d', '2d', '3600s']))
    out += ['--sla', ','.join(parts)]
if R.random() < 0.4:
    out += ['--half-life', R.choice(['1d', '7d', '30d', '12h', '365d', '90d'])]
if R.random() < 0.4:
    out += ['--give-target', R.choice(['0.5', '0.667', '0.833', '0.9', '1', '0.25'])]
if R.random() < 0.6:
    x = R.random()
    if x < 0.6:
        out += ['--sla-clock', 'business']
    else:
        out += ['--sla-clock', ','.join('%s=%s' % (c, R.choice(['business', 'calendar']))
                                        for c in R.sample(CH, R.randint(1, 4)))]
if out:
    print('\n'.join(out))
