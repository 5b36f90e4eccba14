"""libgivetake from Python through ctypes (standard library only).

Mirrors the structs of include/givetake.h; run by `make test-python`
with GIVETAKE_LIB pointing at libgivetake.so.
"""
import ctypes as C
import math
import os
import pathlib
import re
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]

LIB = C.CDLL(os.environ.get("GIVETAKE_LIB", "libgivetake.so"))


class Text(C.Structure):
    _fields_ = [("ptr", C.c_char_p), ("len", C.c_size_t)]


class Classification(C.Structure):
    _fields_ = [("give_score", C.c_double), ("take_score", C.c_double), ("scalars", C.c_int64),
                ("label", C.c_int32), ("cues", C.c_int32), ("we_words", C.c_int32),
                ("you_words", C.c_int32), ("appreciative", C.c_int32), ("reserved", C.c_int32)]


V1_FIELDS = [("id", C.c_int64), ("account_id", C.c_int64), ("contact_id", C.c_int64),
             ("parent_id", C.c_int64), ("created_at", C.c_int64), ("value", C.c_double),
             ("author_name", Text), ("body", Text), ("channel", C.c_int32), ("kind", C.c_int32),
             ("flags", C.c_uint32), ("reserved", C.c_uint32)]


class Interaction(C.Structure):
    _fields_ = V1_FIELDS + [("thread_id", C.c_int64), ("agent_id", C.c_int64)]


class InteractionV1(C.Structure):
    """The first layout, as a program written against the first header has it."""
    _fields_ = V1_FIELDS


D, I = C.c_double, C.c_int64
ACCOUNT_FIELDS = [("account_id", I), ("channel", C.c_int32), ("reserved", C.c_int32),
                  ("needs_ack", I), ("pending", I), ("acknowledged", I),
                  ("ack_rate", D), ("personal_rate", D), ("appreciative_rate", D), ("sla_rate", D),
                  ("median_ack_s", D), ("p90_ack_s", D),
                  ("give_posts", I), ("take_posts", I), ("neutral_posts", I),
                  ("give_ratio", D), ("me_index", D), ("reply_share", D), ("channel_fit", D),
                  ("contacts", I), ("mean_trust", D), ("conv_rate_ack", D), ("conv_rate_ignored", D),
                  ("conversion_lift", D), ("value_per_ack_contact", D), ("give_attributed_leads", I),
                  ("health", D), ("anomalies", I), ("median_ack_business_s", D), ("p90_ack_business_s", D)]


class AccountScore(C.Structure):
    _fields_ = ACCOUNT_FIELDS


class TurnScore(C.Structure):
    _fields_ = [("account_id", I), ("turn_id", I), ("thread_id", I), ("contact_id", I),
                ("started_at", I), ("due_at", I), ("inbound_rows", I), ("first_ack_id", I),
                ("agent_id", I), ("time_to_ack_s", D), ("business_time_to_ack_s", D),
                ("channel", C.c_int32), ("status", C.c_int32), ("personal", C.c_int32),
                ("appreciative", C.c_int32), ("within_sla", C.c_int32), ("flags", C.c_uint32)]


LIB.gt_classify.argtypes = [C.POINTER(Classification), C.c_void_p, C.c_char_p, C.c_size_t]
LIB.gt_classify_batch.argtypes = [C.POINTER(Classification), C.POINTER(C.c_size_t), C.c_void_p,
                                  C.POINTER(Text), C.c_size_t]
LIB.gt_scorer_new.argtypes = [C.POINTER(C.c_void_p), C.c_void_p]
LIB.gt_scorer_set_as_of.argtypes = [C.c_void_p, C.c_int64]
# gt_scorer_add reads the first (96-byte) layout; new code passes its row size.
LIB.gt_scorer_add.argtypes = [C.c_void_p, C.POINTER(InteractionV1), C.c_size_t]
LIB.gt_scorer_add_rows.argtypes = [C.c_void_p, C.POINTER(Interaction), C.c_size_t, C.c_size_t]
LIB.gt_scorer_finish.argtypes = [C.c_void_p]
LIB.gt_scorer_account_rows.argtypes = [C.POINTER(C.POINTER(AccountScore)), C.POINTER(C.c_size_t), C.c_size_t,
                                       C.c_void_p]
LIB.gt_scorer_turns.argtypes = [C.POINTER(C.POINTER(TurnScore)), C.POINTER(C.c_size_t), C.c_void_p]
LIB.gt_scorer_errmsg.argtypes = [C.c_void_p]
LIB.gt_scorer_errmsg.restype = C.c_char_p
LIB.gt_scorer_free.argtypes = [C.c_void_p]
LIB.gt_version_string.restype = C.c_char_p

GIVE, TAKE, NEUTRAL = 1, 2, 0
INBOUND, HAS_CONTACT, HAS_PARENT, HAS_THREAD, HAS_AGENT = 0x01, 0x08, 0x10, 0x20, 0x40
MENTION, REPLY, POST = 4, 3, 0


def text(s):
    b = None if s is None else s.encode()
    return Text(b, 0 if b is None else len(b))


class ClassifyTest(unittest.TestCase):
    def test_one(self):
        c = Classification()
        body = "Tips: how to recycle your phone".encode()
        self.assertEqual(LIB.gt_classify(C.byref(c), None, body, len(body)), 0)
        self.assertEqual((c.label, c.take_score, c.you_words, c.cues), (GIVE, 0.0, 1, 5))
        self.assertGreaterEqual(c.give_score, 1.0)

    def test_batch_marks_invalid_utf8(self):
        items = [text("Shop now, 20% off"), Text(b"\xff\xfe", 2), text("Thanks, great question")]
        arr = (Text * 3)(*items)
        out = (Classification * 3)()
        bad = C.c_size_t(99)
        rc = LIB.gt_classify_batch(out, C.byref(bad), None, arr, 3)
        self.assertEqual(rc, -4)  # GT_EUTF8
        self.assertEqual(bad.value, 1)
        self.assertEqual(out[0].label, TAKE)
        self.assertEqual(out[2].appreciative, 1)

    def test_version(self):
        # The version is defined once, in givetake.h.
        header = (ROOT / "include" / "givetake.h").read_text()
        number = int(re.search(r"#define GT_VERSION_NUMBER (\d+)", header).group(1))
        string = re.search(r'#define GT_VERSION_STRING "(.*)"', header).group(1)
        self.assertEqual(LIB.gt_version_number(), number)
        self.assertEqual(LIB.gt_version_string(), string.encode())


class ScoreTest(unittest.TestCase):
    def test_small_batch(self):
        keep = []  # keep the bytes alive while the scorer reads them

        def row(i, kind, inbound, secs, body=None, author=None, contact=None, parent=None):
            r = Interaction()
            r.id, r.account_id, r.kind, r.channel = i, 42, kind, 0
            r.created_at = int(secs * 1_000_000)
            r.flags = INBOUND if inbound else 0
            if contact is not None:
                r.contact_id, r.flags = contact, r.flags | HAS_CONTACT
            if parent is not None:
                r.parent_id, r.flags = parent, r.flags | HAS_PARENT
            r.body, r.author_name = text(body), text(author)
            keep.append((r.body, r.author_name))
            return r

        rows = (Interaction * 4)(
            row(1, MENTION, True, 0, "@brand it broke", "Lee Park", contact=5),
            row(2, REPLY, False, 1800, "Sorry Lee, here's how to fix it", parent=1),
            row(3, MENTION, True, 100, "hello?", contact=6),
            row(4, POST, False, 50, "Our new phone: buy now"),
        )
        s = C.c_void_p()
        self.assertEqual(LIB.gt_scorer_new(C.byref(s), None), 0)
        try:
            self.assertEqual(LIB.gt_scorer_set_as_of(s, 86400 * 1_000_000), 0)
            self.assertEqual(LIB.gt_scorer_add_rows(s, rows, 4, C.sizeof(Interaction)), 0, LIB.gt_scorer_errmsg(s))
            self.assertEqual(LIB.gt_scorer_finish(s), 0)
            out, n = C.POINTER(AccountScore)(), C.c_size_t()
            self.assertEqual(LIB.gt_scorer_account_rows(C.byref(out), C.byref(n), C.sizeof(AccountScore), s), 0)
            self.assertEqual(n.value, 2)
            a = out[0]
            self.assertEqual((a.account_id, a.channel, a.needs_ack, a.acknowledged), (42, -1, 2, 1))
            self.assertEqual((a.personal_rate, a.median_ack_s, a.take_posts), (1.0, 1800.0, 1))
            self.assertEqual(a.give_ratio, 0.0)
            self.assertEqual((a.conv_rate_ack, a.conv_rate_ignored), (0.0, 0.0))
            self.assertTrue(math.isnan(a.conversion_lift))  # 0 / 0
            self.assertEqual(a.sla_rate, 0.5)  # 30 min within twitter's 1 h; the other unanswered
            self.assertEqual(a.median_ack_business_s, 1800.0)  # no schedule: always open
        finally:
            LIB.gt_scorer_free(s)

    def test_turns_and_the_first_layout(self):
        # Thread 8: two customer comments at 0 and 60 s, agent 3 answers at 300 s.
        def row(i, inbound, secs, agent=None):
            r = Interaction()
            r.id, r.account_id, r.kind, r.channel = i, 42, 2, 1  # comment, facebook
            r.created_at = int(secs * 1_000_000)
            r.thread_id, r.contact_id = 8, 5
            r.flags = HAS_THREAD | HAS_CONTACT | (INBOUND if inbound else 0)
            if agent is not None:
                r.agent_id, r.flags = agent, r.flags | HAS_AGENT
            return r

        rows = (Interaction * 3)(row(1, True, 0), row(2, True, 60), row(3, False, 300, agent=3))
        s = C.c_void_p()
        self.assertEqual(LIB.gt_scorer_new(C.byref(s), None), 0)
        try:
            self.assertEqual(LIB.gt_scorer_add_rows(s, rows, 3, C.sizeof(Interaction)), 0)
            self.assertEqual(LIB.gt_scorer_finish(s), 0)
            t, n = C.POINTER(TurnScore)(), C.c_size_t()
            self.assertEqual(LIB.gt_scorer_turns(C.byref(t), C.byref(n), s), 0)
            self.assertEqual(n.value, 1)
            self.assertEqual((t[0].turn_id, t[0].inbound_rows, t[0].first_ack_id, t[0].agent_id), (1, 2, 3, 3))
            self.assertEqual((t[0].time_to_ack_s, t[0].status, t[0].thread_id), (300.0, 0, 8))
        finally:
            LIB.gt_scorer_free(s)
        # The same rows in the first layout through gt_scorer_add: no thread,
        # so the comments are two single-row turns that nothing answers.
        old = (InteractionV1 * 3)()
        for i in range(3):
            C.memmove(C.byref(old[i]), C.byref(rows[i]), C.sizeof(InteractionV1))
        self.assertEqual(C.sizeof(InteractionV1), 96)
        s = C.c_void_p()
        self.assertEqual(LIB.gt_scorer_new(C.byref(s), None), 0)
        try:
            self.assertEqual(LIB.gt_scorer_add(s, old, 3), 0)
            self.assertEqual(LIB.gt_scorer_finish(s), 0)
            t, n = C.POINTER(TurnScore)(), C.c_size_t()
            self.assertEqual(LIB.gt_scorer_turns(C.byref(t), C.byref(n), s), 0)
            self.assertEqual([t[i].inbound_rows for i in range(n.value)], [1, 1])
            self.assertTrue(all(t[i].status != 0 for i in range(n.value)))
        finally:
            LIB.gt_scorer_free(s)


if __name__ == "__main__":
    unittest.main()
