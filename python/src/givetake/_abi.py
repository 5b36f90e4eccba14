"""The C ABI of libgivetake (include/givetake.h), declared once.

Every struct layout and function prototype the package uses lives here;
the rest of the package, the tests and the benchmark read them from this
module. Struct layouts only grow at the end (the header's versioning
rule): the ``*_V1_FIELDS`` lists are the first layout, later fields are
appended, and which layout the loaded library speaks is learned from the
symbols it exports (``Abi``). numpy dtypes are derived from the ctypes
structures, so both views always agree.
"""
from __future__ import annotations

import ctypes as C
import os
import threading
from typing import Optional

# ---- status codes, enumerations, flags (givetake.h) ---------------------

GT_OK = 0
GT_EINVAL = -1
GT_ENOMEM = -2
GT_EPARSE = -3
GT_EUTF8 = -4
GT_ERANGE = -5
GT_ESTATE = -6
GT_ECANCELED = -7

GT_CHANNEL_ALL = -1
CHANNELS = ("twitter", "facebook", "instagram", "linkedin", "other")
KINDS = ("post", "share", "comment", "reply", "mention", "message", "like", "lead", "purchase")
LABELS = ("neutral", "give", "take")
CATEGORIES = ("teaching", "helping", "crediting", "inviting", "responsibility", "give",
              "selling", "self_promotion", "take", "negation")
HEALTH_COMPONENTS = ("ack_rate", "personal_rate", "sla_rate", "give_ratio", "me_index")
TURN_STATUSES = ("acknowledged", "unacknowledged", "pending")

GT_LEXICON_DEFAULT = 0
GT_LEXICON_EMPTY = 1

GT_ROW_INBOUND = 0x01
GT_ROW_AUTOMATED = 0x02
GT_ROW_HAS_MEDIA = 0x04
GT_ROW_HAS_CONTACT = 0x08
GT_ROW_HAS_PARENT = 0x10
GT_ROW_HAS_THREAD = 0x20
GT_ROW_HAS_AGENT = 0x40

GT_TURN_HAS_THREAD = 0x01
GT_TURN_HAS_CONTACT = 0x02
GT_TURN_HAS_AGENT = 0x04

GT_ACK_UNIT_TURN = 0
GT_ACK_UNIT_ROW = 1

GT_SLA_CLOCK_CALENDAR = 0
GT_SLA_CLOCK_BUSINESS = 1
SLA_CLOCKS = ("calendar", "business")

GT_PERIOD_NONE = 0
PERIODS = (None, "day", "week", "month")  # index = GT_PERIOD_*

GT_TIME_MIN = -62135596800000000
GT_TIME_MAX = 253402300799999999
GT_AS_OF_LATEST = -(2 ** 63)

# ---- structs ---------------------------------------------------------------

I32, U32, I64, F64, SIZE = C.c_int32, C.c_uint32, C.c_int64, C.c_double, C.c_size_t


class Text(C.Structure):
    """gt_text: (ptr, len); ptr NULL (None / 0) is SQL NULL."""
    _fields_ = [("ptr", C.c_void_p), ("len", SIZE)]


class Classification(C.Structure):
    _fields_ = [("give_score", F64), ("take_score", F64), ("scalars", I64), ("label", I32), ("cues", I32),
                ("we_words", I32), ("you_words", I32), ("appreciative", I32), ("reserved", I32)]


class Cue(C.Structure):
    _fields_ = [("offset", SIZE), ("length", SIZE), ("category", I32), ("entry", I32), ("weight", F64)]


INTERACTION_V1_FIELDS = [
    ("id", I64), ("account_id", I64), ("contact_id", I64), ("parent_id", I64), ("created_at", I64),
    ("value", F64), ("author_name", Text), ("body", Text), ("channel", I32), ("kind", I32),
    ("flags", U32), ("reserved", U32)]
INTERACTION_V2_FIELDS = INTERACTION_V1_FIELDS + [("thread_id", I64), ("agent_id", I64)]


class InteractionV1(C.Structure):
    _fields_ = INTERACTION_V1_FIELDS  # type: ignore[assignment]


class Interaction(C.Structure):
    """gt_interaction as in the current header (thread_id, agent_id appended)."""
    _fields_ = INTERACTION_V2_FIELDS  # type: ignore[assignment]


ACCOUNT_V1_FIELDS = [
    ("account_id", I64), ("channel", I32), ("reserved", I32),
    ("needs_ack", I64), ("pending", I64), ("acknowledged", I64),
    ("ack_rate", F64), ("personal_rate", F64), ("appreciative_rate", F64), ("sla_rate", F64),
    ("median_ack_s", F64), ("p90_ack_s", F64),
    ("give_posts", I64), ("take_posts", I64), ("neutral_posts", I64),
    ("give_ratio", F64), ("me_index", F64), ("reply_share", F64), ("channel_fit", F64),
    ("contacts", I64), ("mean_trust", F64), ("conv_rate_ack", F64), ("conv_rate_ignored", F64),
    ("conversion_lift", F64), ("value_per_ack_contact", F64), ("give_attributed_leads", I64),
    ("health", F64), ("anomalies", I64)]
ACCOUNT_V2_FIELDS = ACCOUNT_V1_FIELDS + [("median_ack_business_s", F64), ("p90_ack_business_s", F64)]


class AccountScoreV1(C.Structure):
    _fields_ = ACCOUNT_V1_FIELDS  # type: ignore[assignment]


class AccountScore(C.Structure):
    _fields_ = ACCOUNT_V2_FIELDS  # type: ignore[assignment]


class ContactScore(C.Structure):
    _fields_ = [("account_id", I64), ("contact_id", I64), ("balance", F64), ("trust_score", I32),
                ("reserved", I32), ("acknowledged", I64), ("unacknowledged", I64),
                ("last_interaction_at", I64)]


class TurnScore(C.Structure):
    _fields_ = [("account_id", I64), ("turn_id", I64), ("thread_id", I64), ("contact_id", I64),
                ("started_at", I64), ("due_at", I64), ("inbound_rows", I64), ("first_ack_id", I64),
                ("agent_id", I64), ("time_to_ack_s", F64), ("business_time_to_ack_s", F64),
                ("channel", I32), ("status", I32), ("personal", I32), ("appreciative", I32),
                ("within_sla", I32), ("flags", U32)]


class AgentScore(C.Structure):
    _fields_ = [("account_id", I64), ("agent_id", I64), ("has_agent", I32), ("reserved", I32),
                ("acknowledged", I64), ("median_ack_s", F64), ("p90_ack_s", F64),
                ("median_ack_business_s", F64), ("p90_ack_business_s", F64),
                ("personal_rate", F64), ("appreciative_rate", F64), ("sla_rate", F64),
                ("give_posts", I64), ("take_posts", I64), ("give_ratio", F64), ("me_index", F64)]


class PeriodScore(C.Structure):
    """gt_period_score: one row per account x local period."""
    _fields_ = [("account_id", I64), ("period_start", I64), ("needs_ack", I64), ("pending", I64),
                ("acknowledged", I64), ("ack_rate", F64), ("personal_rate", F64), ("appreciative_rate", F64),
                ("sla_rate", F64), ("median_ack_s", F64), ("p90_ack_s", F64), ("median_ack_business_s", F64),
                ("p90_ack_business_s", F64), ("give_posts", I64), ("take_posts", I64), ("neutral_posts", I64),
                ("give_ratio", F64), ("me_index", F64), ("reply_share", F64), ("channel_fit", F64),
                ("conv_rate_ack", F64), ("conv_rate_ignored", F64), ("conversion_lift", F64),
                ("value_per_ack_contact", F64), ("give_attributed_leads", I64), ("health", F64),
                ("anomalies", I64)]


# Sizes the header pins down; a mismatch here is a bug in this file.
assert C.sizeof(InteractionV1) == 96 and C.sizeof(AccountScoreV1) == 216
assert C.sizeof(Classification) == 48 and C.sizeof(Cue) == 32 and C.sizeof(ContactScore) == 56

# gt_interrupt_fn: int (*)(void *context); nonzero stops gt_scorer_finish.
INTERRUPT_FN = C.CFUNCTYPE(C.c_int, C.c_void_p)

# ---- prototypes --------------------------------------------------------------

P = C.POINTER
VP, CP = C.c_void_p, C.c_char_p
_PROTOTYPES = {
    "gt_version_number": (C.c_int, []),
    "gt_version_string": (CP, []),
    "gt_strerror": (CP, [C.c_int]),
    "gt_channel_parse": (C.c_int, [CP, SIZE]),
    "gt_kind_parse": (C.c_int, [CP, SIZE]),
    "gt_channel_name": (CP, [C.c_int]),
    "gt_kind_name": (CP, [C.c_int]),
    "gt_category_name": (CP, [C.c_int]),
    "gt_category_parse": (C.c_int, [CP, SIZE]),
    "gt_category_polarity": (C.c_int, [C.c_int]),
    "gt_lexicon_new": (C.c_int, [P(VP), C.c_int]),
    "gt_lexicon_load": (C.c_int, [VP, CP, SIZE]),
    "gt_lexicon_add": (C.c_int, [VP, CP, SIZE, C.c_int, F64]),
    "gt_lexicon_count": (SIZE, [VP]),
    "gt_lexicon_entry": (C.c_int, [P(VP), P(SIZE), P(C.c_int), P(F64), VP, SIZE]),
    "gt_lexicon_errmsg": (CP, [VP]),
    "gt_lexicon_free": (None, [VP]),
    "gt_classify": (C.c_int, [P(Classification), VP, CP, SIZE]),
    "gt_classify_batch": (C.c_int, [VP, P(SIZE), VP, VP, SIZE]),
    "gt_explain": (C.c_int, [P(Cue), SIZE, P(SIZE), VP, CP, SIZE]),
    "gt_first_name": (C.c_int, [P(SIZE), P(SIZE), CP, SIZE]),
    "gt_is_personal": (C.c_int, [P(C.c_int), CP, SIZE, CP, SIZE]),
    "gt_is_appreciative": (C.c_int, [P(C.c_int), CP, SIZE]),
    "gt_scorer_new": (C.c_int, [P(VP), VP]),
    "gt_scorer_set_as_of": (C.c_int, [VP, I64]),
    "gt_scorer_set_sla": (C.c_int, [VP, C.c_int, F64]),
    "gt_scorer_set_half_life": (C.c_int, [VP, F64]),
    "gt_scorer_set_health_weight": (C.c_int, [VP, C.c_int, F64]),
    "gt_scorer_set_give_target": (C.c_int, [VP, F64]),
    "gt_scorer_add": (C.c_int, [VP, VP, SIZE]),
    "gt_scorer_finish": (C.c_int, [VP]),
    "gt_scorer_accounts": (C.c_int, [P(VP), P(SIZE), VP]),
    "gt_scorer_contacts": (C.c_int, [P(VP), P(SIZE), VP]),
    "gt_scorer_as_of": (C.c_int, [P(I64), VP]),
    "gt_scorer_row_count": (C.c_int, [P(SIZE), VP]),
    "gt_scorer_set_interrupt": (C.c_int, [VP, VP, VP]),
    "gt_scorer_errmsg": (CP, [VP]),
    "gt_scorer_free": (None, [VP]),
}
# Later additions: present only in libraries that have them.
_OPTIONAL = {
    "gt_scorer_add_rows": (C.c_int, [VP, VP, SIZE, SIZE]),
    "gt_scorer_account_rows": (C.c_int, [P(VP), P(SIZE), SIZE, VP]),
    "gt_scorer_turns": (C.c_int, [P(VP), P(SIZE), VP]),
    "gt_scorer_agents": (C.c_int, [P(VP), P(SIZE), VP]),
    "gt_scorer_set_ack_unit": (C.c_int, [VP, C.c_int]),
    # business hours, SLA clocks and periods
    "gt_schedule_new": (C.c_int, [P(VP)]),
    "gt_schedule_set": (C.c_int, [VP, P(I64), P(I32), SIZE, CP, SIZE, P(I32), SIZE]),
    "gt_schedule_business_time": (C.c_int, [P(F64), VP, I64, I64]),
    "gt_schedule_local_day": (C.c_int, [P(I64), VP, I64]),
    "gt_schedule_instant": (C.c_int, [P(I64), VP, I64]),
    "gt_schedule_errmsg": (CP, [VP]),
    "gt_schedule_free": (None, [VP]),
    "gt_scorer_set_schedule": (C.c_int, [VP, C.c_int, I64, C.c_int, VP]),
    "gt_scorer_set_sla_clock": (C.c_int, [VP, C.c_int, C.c_int]),
    "gt_scorer_set_period": (C.c_int, [VP, C.c_int]),
    "gt_scorer_periods": (C.c_int, [P(VP), P(SIZE), VP]),
}


class Abi:
    """A loaded libgivetake with typed prototypes and the layouts it speaks.

    ``interaction`` / ``account`` are the ctypes structures to pass and
    read; ``has_turns`` / ``has_agents`` / ``has_ack_unit`` /
    ``has_schedules`` say which later outputs and settings it has.
    """

    def __init__(self, path: str):
        self.path = path
        self.lib = lib = C.CDLL(path)
        for name, (res, args) in _PROTOTYPES.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = res, args
        self.optional = set()
        for name, (res, args) in _OPTIONAL.items():
            f = getattr(lib, name, None)
            if f is not None:
                f.restype, f.argtypes = res, args
                self.optional.add(name)
        self.version: str = lib.gt_version_string().decode()
        self.version_number: int = lib.gt_version_number()
        rows = "gt_scorer_add_rows" in self.optional
        self.interaction = Interaction if rows else InteractionV1
        self.account = AccountScore if "gt_scorer_account_rows" in self.optional else AccountScoreV1
        self.has_thread_ids = rows
        self.has_turns = "gt_scorer_turns" in self.optional
        self.has_agents = "gt_scorer_agents" in self.optional
        self.has_ack_unit = "gt_scorer_set_ack_unit" in self.optional
        self.has_schedules = all(n in self.optional for n in (
            "gt_schedule_new", "gt_scorer_set_schedule", "gt_scorer_set_sla_clock", "gt_scorer_periods"))

    def scorer_add(self, scorer, rows_address: int, n: int) -> int:
        if self.interaction is Interaction:
            return self.lib.gt_scorer_add_rows(scorer, rows_address, n, C.sizeof(Interaction))
        return self.lib.gt_scorer_add(scorer, rows_address, n)

    def scorer_accounts(self, out_ptr, out_count, scorer) -> int:
        if self.account is AccountScore:
            return self.lib.gt_scorer_account_rows(out_ptr, out_count, C.sizeof(AccountScore), scorer)
        return self.lib.gt_scorer_accounts(out_ptr, out_count, scorer)

    def strerror(self, status: int) -> str:
        s = self.lib.gt_strerror(status)
        return s.decode() if s else f"status {status}"


def library_path() -> str:
    """Where the library is loaded from: $GIVETAKE_LIB, else the copy
    bundled in the package, else dist/lib of the source tree this file
    sits in (running from a checkout after `make lib`)."""
    env = os.environ.get("GIVETAKE_LIB")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, "libgivetake.so")
    if os.path.exists(bundled):
        return bundled
    checkout = os.path.join(here, "..", "..", "..", "dist", "lib", "libgivetake.so")
    if os.path.exists(checkout):
        return os.path.normpath(checkout)
    return bundled


_abi: Optional[Abi] = None
_abi_lock = threading.Lock()


def abi() -> Abi:
    """The process-wide loaded library (loaded on first use)."""
    global _abi
    if _abi is None:
        with _abi_lock:
            if _abi is None:
                path = library_path()
                try:
                    _abi = Abi(path)
                except OSError as e:
                    raise ImportError(f"givetake: cannot load libgivetake from {path}: {e} "
                                      "(set GIVETAKE_LIB, or reinstall the package)") from e
    return _abi
