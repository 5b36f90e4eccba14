"""ctypes binding of dist/lib/libgivetake.so (include/givetake.h).

Only what the benchmark needs: batch classification, explain, the
acknowledgement helpers and, when the library has them, the gt_scorer_*
functions. `load()` returns None with a reason when the library is absent,
so callers can report "not available yet" instead of crashing.
"""
from __future__ import annotations

import ctypes as C
import math
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_LIB = os.path.join(ROOT, "dist", "lib", "libgivetake.so")

CHANNELS = ("twitter", "facebook", "instagram", "linkedin", "other")
KINDS = ("post", "share", "comment", "reply", "mention", "message", "like", "lead", "purchase")
ROW_INBOUND, ROW_AUTOMATED, ROW_HAS_MEDIA, ROW_HAS_CONTACT, ROW_HAS_PARENT = 1, 2, 4, 8, 16
AS_OF_LATEST = -(2 ** 63)


class Text(C.Structure):
    _fields_ = [("ptr", C.c_char_p), ("len", C.c_size_t)]


class Classification(C.Structure):
    _fields_ = [("give_score", C.c_double), ("take_score", C.c_double), ("scalars", C.c_int64),
                ("label", C.c_int32), ("cues", C.c_int32), ("we_words", C.c_int32),
                ("you_words", C.c_int32), ("appreciative", C.c_int32), ("reserved", C.c_int32)]


class Cue(C.Structure):
    _fields_ = [("offset", C.c_size_t), ("length", C.c_size_t), ("category", C.c_int32),
                ("entry", C.c_int32), ("weight", C.c_double)]


class Interaction(C.Structure):
    _fields_ = [("id", C.c_int64), ("account_id", C.c_int64), ("contact_id", C.c_int64),
                ("parent_id", C.c_int64), ("created_at", C.c_int64), ("value", C.c_double),
                ("author_name", Text), ("body", Text), ("channel", C.c_int32), ("kind", C.c_int32),
                ("flags", C.c_uint32), ("reserved", C.c_uint32)]


ACCOUNT_FIELDS = [
    ("account_id", C.c_int64), ("channel", C.c_int32), ("reserved", C.c_int32),
    ("needs_ack", C.c_int64), ("pending", C.c_int64), ("acknowledged", C.c_int64),
    ("ack_rate", C.c_double), ("personal_rate", C.c_double), ("appreciative_rate", C.c_double),
    ("sla_rate", C.c_double), ("median_ack_s", C.c_double), ("p90_ack_s", C.c_double),
    ("give_posts", C.c_int64), ("take_posts", C.c_int64), ("neutral_posts", C.c_int64),
    ("give_ratio", C.c_double), ("me_index", C.c_double), ("reply_share", C.c_double),
    ("channel_fit", C.c_double), ("contacts", C.c_int64), ("mean_trust", C.c_double),
    ("conv_rate_ack", C.c_double), ("conv_rate_ignored", C.c_double), ("conversion_lift", C.c_double),
    ("value_per_ack_contact", C.c_double), ("give_attributed_leads", C.c_int64),
    ("health", C.c_double), ("anomalies", C.c_int64),
]


class AccountScore(C.Structure):
    _fields_ = ACCOUNT_FIELDS


class ContactScore(C.Structure):
    _fields_ = [("account_id", C.c_int64), ("contact_id", C.c_int64), ("balance", C.c_double),
                ("trust_score", C.c_int32), ("reserved", C.c_int32), ("acknowledged", C.c_int64),
                ("unacknowledged", C.c_int64), ("last_interaction_at", C.c_int64)]


class GiveTake:
    def __init__(self, path: str):
        self.path = path
        lib = C.CDLL(path)
        self.lib = lib
        lib.gt_version_string.restype = C.c_char_p
        lib.gt_classify_batch.argtypes = [C.POINTER(Classification), C.POINTER(C.c_size_t), C.c_void_p,
                                          C.POINTER(Text), C.c_size_t]
        lib.gt_classify.argtypes = [C.POINTER(Classification), C.c_void_p, C.c_char_p, C.c_size_t]
        lib.gt_explain.argtypes = [C.POINTER(Cue), C.c_size_t, C.POINTER(C.c_size_t), C.c_void_p,
                                   C.c_char_p, C.c_size_t]
        lib.gt_is_personal.argtypes = [C.POINTER(C.c_int), C.c_char_p, C.c_size_t, C.c_char_p, C.c_size_t]
        lib.gt_is_appreciative.argtypes = [C.POINTER(C.c_int), C.c_char_p, C.c_size_t]
        lib.gt_strerror.restype = C.c_char_p
        self.version = lib.gt_version_string().decode()
        self.has_scorer = hasattr(lib, "gt_scorer_new") and hasattr(lib, "gt_scorer_finish")
        if self.has_scorer:
            lib.gt_scorer_new.argtypes = [C.POINTER(C.c_void_p), C.c_void_p]
            lib.gt_scorer_add.argtypes = [C.c_void_p, C.POINTER(Interaction), C.c_size_t]
            lib.gt_scorer_finish.argtypes = [C.c_void_p]
            lib.gt_scorer_accounts.argtypes = [C.POINTER(C.POINTER(AccountScore)), C.POINTER(C.c_size_t), C.c_void_p]
            lib.gt_scorer_contacts.argtypes = [C.POINTER(C.POINTER(ContactScore)), C.POINTER(C.c_size_t), C.c_void_p]
            lib.gt_scorer_as_of.argtypes = [C.POINTER(C.c_int64), C.c_void_p]
            lib.gt_scorer_errmsg.argtypes = [C.c_void_p]
            lib.gt_scorer_errmsg.restype = C.c_char_p
            lib.gt_scorer_free.argtypes = [C.c_void_p]

    # -- classification

    def classify_batch(self, texts: list[bytes]) -> list[Classification]:
        n = len(texts)
        arr = (Text * n)()
        for i, t in enumerate(texts):
            arr[i].ptr = t
            arr[i].len = len(t) if t is not None else 0
        out = (Classification * n)()
        bad = C.c_size_t(0)
        rc = self.lib.gt_classify_batch(out, C.byref(bad), None, arr, n)
        if rc != 0:
            raise RuntimeError(f"gt_classify_batch: {self.lib.gt_strerror(rc).decode()} at {bad.value}")
        return list(out)

    def explain(self, text: bytes) -> list[tuple[int, int, int, int, float]]:
        cap = 64
        while True:
            buf = (Cue * cap)()
            count = C.c_size_t(0)
            rc = self.lib.gt_explain(buf, cap, C.byref(count), None, text, len(text))
            if rc != 0:
                raise RuntimeError(f"gt_explain: {self.lib.gt_strerror(rc).decode()}")
            if count.value <= cap:
                return [(c.offset, c.length, c.category, c.entry, c.weight) for c in buf[:count.value]]
            cap = count.value

    def is_personal(self, reply: bytes, author: bytes) -> bool:
        out = C.c_int(0)
        self.lib.gt_is_personal(C.byref(out), reply, len(reply), author, len(author))
        return bool(out.value)

    # -- scoring

    def score(self, rows, as_of: int = AS_OF_LATEST):
        """rows: iterable of tuples in canonical column order with
        created_at as microseconds. Returns (accounts, contacts) as lists of
        dicts (NaN -> None)."""
        if not self.has_scorer:
            raise RuntimeError("gt_scorer_* not in this library")
        lib = self.lib
        s = C.c_void_p()
        rc = lib.gt_scorer_new(C.byref(s), None)
        if rc != 0:
            raise RuntimeError(f"gt_scorer_new: {lib.gt_strerror(rc).decode()}")
        try:
            batch = build_rows(rows)
            rc = lib.gt_scorer_add(s, batch, len(batch))
            if rc != 0:
                raise RuntimeError(f"gt_scorer_add: {lib.gt_scorer_errmsg(s).decode()}")
            rc = lib.gt_scorer_finish(s)
            if rc != 0:
                raise RuntimeError(f"gt_scorer_finish: {lib.gt_scorer_errmsg(s).decode()}")
            return read_results(lib, s)
        finally:
            lib.gt_scorer_free(s)


def build_rows(rows):
    rows = list(rows)
    arr = (Interaction * len(rows))()
    keep = []
    for i, r in enumerate(rows):
        (rid, acc, contact, parent, channel, kind, inbound, automated, media, created_us,
         author, body, value) = r
        x = arr[i]
        x.id, x.account_id = rid, acc
        flags = 0
        if contact is not None:
            x.contact_id = contact
            flags |= ROW_HAS_CONTACT
        if parent is not None:
            x.parent_id = parent
            flags |= ROW_HAS_PARENT
        if inbound:
            flags |= ROW_INBOUND
        if automated:
            flags |= ROW_AUTOMATED
        if media:
            flags |= ROW_HAS_MEDIA
        x.flags = flags
        x.created_at = created_us
        x.value = value or 0.0
        x.channel = CHANNELS.index(channel) if channel in CHANNELS else 99
        x.kind = KINDS.index(kind) if kind in KINDS else 99
        for field, t in (("author_name", author), ("body", body)):
            if t is not None:
                b = t.encode() if isinstance(t, str) else t
                keep.append(b)
                setattr(x, field, Text(b, len(b)))
    arr._keep = keep
    return arr


def _nan(v):
    return None if isinstance(v, float) and math.isnan(v) else v


def read_results(lib, s):
    p = C.POINTER(AccountScore)()
    n = C.c_size_t(0)
    lib.gt_scorer_accounts(C.byref(p), C.byref(n), s)
    accounts = []
    for i in range(n.value):
        a = p[i]
        d = {name: _nan(getattr(a, name)) for name, _ in ACCOUNT_FIELDS if name != "reserved"}
        d["channel"] = None if a.channel == -1 else CHANNELS[a.channel]
        accounts.append(d)
    q = C.POINTER(ContactScore)()
    lib.gt_scorer_contacts(C.byref(q), C.byref(n), s)
    contacts = [dict(account_id=c.account_id, contact_id=c.contact_id, balance=c.balance,
                     trust_score=c.trust_score, acknowledged=c.acknowledged,
                     unacknowledged=c.unacknowledged, last_interaction_at=c.last_interaction_at)
                for c in q[:n.value]]
    return accounts, contacts


def load(path: str | None = None):
    """(GiveTake, None) or (None, reason)."""
    path = path or os.environ.get("GIVETAKE_LIB", DEFAULT_LIB)
    if not os.path.exists(path):
        return None, f"{path} not found (run `make lib`)"
    try:
        return GiveTake(path), None
    except OSError as e:
        return None, f"cannot load {path}: {e}"
