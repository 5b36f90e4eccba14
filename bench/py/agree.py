"""Do two sets of account rows give the same answers?

Counts must be equal; median_ack_s / p90_ack_s within 1 % or 1 s (the
histogram allowance of docs/metrics.md §3); every other real number within
1e-9 relative (floating-point sums in another order). A benchmark that
compares different answers is void: callers fail loudly on any mismatch.
"""
from __future__ import annotations

import math

COUNTS = ("needs_ack", "pending", "acknowledged", "give_posts", "take_posts", "neutral_posts", "contacts",
          "give_attributed_leads", "anomalies")
PERCENTILES = ("median_ack_s", "p90_ack_s")
REALS = ("ack_rate", "personal_rate", "appreciative_rate", "sla_rate", "give_ratio", "me_index", "reply_share",
         "channel_fit", "mean_trust", "conv_rate_ack", "conv_rate_ignored", "conversion_lift",
         "value_per_ack_contact", "health")
FIELDS = ("account_id", "channel") + COUNTS[:3] + REALS[:4] + PERCENTILES + COUNTS[3:6] + REALS[4:8] + \
    ("contacts",) + REALS[8:13] + ("give_attributed_leads", "health", "anomalies")


def _num(v):
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, bool):
        return int(v)
    return float(v)


def normalize(row: dict) -> dict:
    out = {"account_id": int(row["account_id"]), "channel": row.get("channel") or None}
    for k in COUNTS + PERCENTILES + REALS:
        out[k] = _num(row.get(k))
    return out


def key(r):
    return (r["account_id"], r["channel"] or "")


def compare(ref_rows, got_rows, fields=None, limit=10):
    """List of human-readable differences (empty = agree)."""
    ref = {key(r): r for r in map(normalize, ref_rows)}
    got = {key(r): r for r in map(normalize, got_rows)}
    diffs = []
    for k in sorted(set(ref) - set(got)):
        diffs.append(f"{k}: row missing")
    for k in sorted(set(got) - set(ref)):
        diffs.append(f"{k}: unexpected row")
    for k in sorted(set(ref) & set(got)):
        a, b = ref[k], got[k]
        for f in fields or (COUNTS + PERCENTILES + REALS):
            x, y = a[f], b[f]
            if x is None or y is None:
                ok = x is None and y is None
            elif f in COUNTS:
                ok = int(x) == int(y)
            elif f in PERCENTILES:
                ok = abs(x - y) <= max(1.0, 0.01 * abs(x))
            else:
                ok = abs(x - y) <= 1e-9 * max(1.0, abs(x))
            if not ok:
                diffs.append(f"{k} {f}: givetake={x} sql={y}")
    return diffs[:limit] + ([f"... {len(diffs) - limit} more"] if len(diffs) > limit else [])
