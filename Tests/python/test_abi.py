"""The C ABI itself, through the package's one declaration of it
(givetake._abi): struct sizes the header pins down, the raw calls, and
the status codes that the Python API cannot reach on its own."""
import ctypes as C
import math
import os
import shutil
import subprocess

import numpy as np
import pytest

import givetake
from givetake import _abi as A
from givetake.errors import check


@pytest.fixture(scope="module")
def abi():
    return A.abi()


def text(s):
    b = None if s is None else s.encode()
    buf = None if b is None else C.create_string_buffer(b, len(b))
    return A.Text(None if buf is None else C.addressof(buf), 0 if b is None else len(b)), buf


def test_layouts_match_header(abi):
    assert C.sizeof(A.InteractionV1) == 96  # GT_INTERACTION_V1_SIZE
    assert C.sizeof(A.AccountScoreV1) == 216  # GT_ACCOUNT_SCORE_V1_SIZE
    assert np.dtype(A.Interaction).itemsize == C.sizeof(A.Interaction) == 112
    assert np.dtype(A.Classification).itemsize == C.sizeof(A.Classification) == 48
    assert abi.interaction in (A.Interaction, A.InteractionV1)


HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "include", "givetake.h")
STRUCTS = {"gt_text": A.Text, "gt_classification": A.Classification, "gt_cue": A.Cue,
           "gt_interaction": A.Interaction, "gt_account_score": A.AccountScore,
           "gt_contact_score": A.ContactScore, "gt_turn_score": A.TurnScore, "gt_agent_score": A.AgentScore,
           "gt_period_score": A.PeriodScore}


@pytest.mark.skipif(not shutil.which("cc") or not os.path.exists(HEADER), reason="needs cc and the source tree")
def test_layouts_match_c_compiler(tmp_path):
    """Every field offset and struct size in _abi.py equals what a C
    compiler makes of include/givetake.h (structs the header has)."""
    header = open(HEADER).read()
    lines, expected = [], []
    for cname, struct in STRUCTS.items():
        if f"}} {cname};" not in header:
            continue
        fields = [f[0] for f in struct._fields_]
        if cname == "gt_interaction" and "thread_id" not in header:
            struct, fields = A.InteractionV1, [f[0] for f in A.InteractionV1._fields_]
        if cname == "gt_account_score" and "median_ack_business_s" not in header:
            struct, fields = A.AccountScoreV1, [f[0] for f in A.AccountScoreV1._fields_]
        lines.append(f'printf("{cname} %zu\\n", sizeof({cname}));')
        expected.append(f"{cname} {C.sizeof(struct)}")
        for f in fields:
            lines.append(f'printf("{cname}.{f} %zu\\n", offsetof({cname}, {f}));')
            expected.append(f"{cname}.{f} {getattr(struct, f).offset}")
    src = tmp_path / "layout.c"
    src.write_text("#include <stdio.h>\n#include <stddef.h>\n#include \"givetake.h\"\nint main(void) {\n"
                   + "\n".join(lines) + "\nreturn 0; }\n")
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-I", os.path.dirname(HEADER), str(src), "-o", str(exe)], check=True)
    got = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split("\n")[:-1]
    assert got == expected


def test_version(abi):
    # The version is defined once, in givetake.h.
    import pathlib
    import re
    header = (pathlib.Path(__file__).resolve().parents[2] / "include" / "givetake.h").read_text()
    number = int(re.search(r"#define GT_VERSION_NUMBER (\d+)", header).group(1))
    string = re.search(r'#define GT_VERSION_STRING "(.*)"', header).group(1)
    assert abi.lib.gt_version_number() == number
    assert abi.lib.gt_version_string() == string.encode()
    assert givetake.library_version() == string
    assert givetake.__version__ == string


def test_classify_one(abi, small_lex):
    c = A.Classification()
    body = "Tips: how to recycle your phone".encode()
    # tips (1.5) + how to (1) + recycle (0.25); label 1 is give
    assert abi.lib.gt_classify(C.byref(c), small_lex._h(), body, len(body)) == 0
    assert (c.label, c.give_score, c.take_score, c.cues, c.you_words) == (1, 2.75, 0.0, 3, 1)
    # NULL is the built-in lexicon: the same numbers as the Python call.
    assert abi.lib.gt_classify(C.byref(c), None, body, len(body)) == 0
    ref = givetake.classify(body)
    assert (A.LABELS[c.label], c.give_score, c.take_score, c.cues) == (ref.label, ref.give_score,
                                                                      ref.take_score, ref.cues)


def test_batch_marks_invalid_utf8(abi):
    keep = []
    items = []
    for s in ("Shop now, 20% off", None, "Thanks, great question"):
        t, b = text(s)
        items.append(t)
        keep.append(b)
    bad_buf = C.create_string_buffer(b"\xff\xfe", 2)
    items[1] = A.Text(C.addressof(bad_buf), 2)
    arr = (A.Text * 3)(*items)
    out = (A.Classification * 3)()
    bad = C.c_size_t(99)
    assert abi.lib.gt_classify_batch(out, C.byref(bad), None, arr, 3) == A.GT_EUTF8
    assert bad.value == 1
    assert out[0].label == 2 and out[2].appreciative == 1


def test_scorer_small_batch_raw(abi):
    """The hand-worked case of docs/metrics.md through raw structs."""
    keep = []

    def row(i, kind, inbound, secs, body=None, author=None, contact=None, parent=None):
        r = abi.interaction()
        r.id, r.account_id, r.kind, r.channel = i, 42, kind, 0
        r.created_at = int(secs * 1_000_000)
        r.flags = A.GT_ROW_INBOUND if inbound else 0
        if contact is not None:
            r.contact_id, r.flags = contact, r.flags | A.GT_ROW_HAS_CONTACT
        if parent is not None:
            r.parent_id, r.flags = parent, r.flags | A.GT_ROW_HAS_PARENT
        (r.body, b1), (r.author_name, b2) = text(body), text(author)
        keep.extend([b1, b2])
        return r

    rows = (abi.interaction * 4)(
        row(1, 4, True, 0, "@brand it broke", "Lee Park", contact=5),
        row(2, 3, False, 1800, "Sorry Lee, here's how to fix it", parent=1),
        row(3, 4, True, 100, "hello?", contact=6),
        row(4, 0, False, 50, "Our new phone: buy now"),
    )
    s = C.c_void_p()
    assert abi.lib.gt_scorer_new(C.byref(s), None) == 0
    try:
        assert abi.lib.gt_scorer_set_as_of(s, 86400 * 1_000_000) == 0
        assert abi.scorer_add(s, C.addressof(rows), 4) == 0, abi.lib.gt_scorer_errmsg(s)
        assert abi.lib.gt_scorer_finish(s) == 0
        p, n = C.c_void_p(), C.c_size_t()
        assert abi.scorer_accounts(C.byref(p), C.byref(n), s) == 0
        assert n.value == 2
        a = C.cast(p, C.POINTER(abi.account))[0]
        assert (a.account_id, a.channel, a.needs_ack, a.acknowledged) == (42, -1, 2, 1)
        assert (a.personal_rate, a.median_ack_s, a.take_posts) == (1.0, 1800.0, 1)
        assert a.give_ratio == 0.0 and (a.conv_rate_ack, a.conv_rate_ignored) == (0.0, 0.0)
        assert math.isnan(a.conversion_lift)  # 0 / 0
        assert a.sla_rate == 0.5  # 30 min within twitter's 1 h; the other unanswered
        assert a.median_ack_business_s == 1800.0  # no schedule: always open
    finally:
        abi.lib.gt_scorer_free(s)


def test_turns_and_the_first_layout(abi):
    """Thread 8: two customer comments at 0 and 60 s, agent 3 answers at
    300 s: one turn. The same rows in the first (96-byte) layout through
    gt_scorer_add carry no thread: two single-row turns nothing answers."""
    def row(i, inbound, secs, agent=None):
        r = A.Interaction()
        r.id, r.account_id, r.kind, r.channel = i, 42, 2, 1  # comment, facebook
        r.created_at = int(secs * 1_000_000)
        r.thread_id, r.contact_id = 8, 5
        r.flags = A.GT_ROW_HAS_THREAD | A.GT_ROW_HAS_CONTACT | (A.GT_ROW_INBOUND if inbound else 0)
        if agent is not None:
            r.agent_id, r.flags = agent, r.flags | A.GT_ROW_HAS_AGENT
        return r

    rows = (A.Interaction * 3)(row(1, True, 0), row(2, True, 60), row(3, False, 300, agent=3))
    s = C.c_void_p()
    assert abi.lib.gt_scorer_new(C.byref(s), None) == 0
    try:
        assert abi.lib.gt_scorer_add_rows(s, rows, 3, C.sizeof(A.Interaction)) == 0
        assert abi.lib.gt_scorer_finish(s) == 0
        p, n = C.c_void_p(), C.c_size_t()
        assert abi.lib.gt_scorer_turns(C.byref(p), C.byref(n), s) == 0
        t = C.cast(p, C.POINTER(A.TurnScore))
        assert n.value == 1
        assert (t[0].turn_id, t[0].inbound_rows, t[0].first_ack_id, t[0].agent_id) == (1, 2, 3, 3)
        assert (t[0].time_to_ack_s, t[0].status, t[0].thread_id) == (300.0, 0, 8)
    finally:
        abi.lib.gt_scorer_free(s)
    old = (A.InteractionV1 * 3)()
    for i in range(3):
        C.memmove(C.byref(old[i]), C.byref(rows[i]), C.sizeof(A.InteractionV1))
    s = C.c_void_p()
    assert abi.lib.gt_scorer_new(C.byref(s), None) == 0
    try:
        assert abi.lib.gt_scorer_add(s, C.addressof(old), 3) == 0
        assert abi.lib.gt_scorer_finish(s) == 0
        p, n = C.c_void_p(), C.c_size_t()
        assert abi.lib.gt_scorer_turns(C.byref(p), C.byref(n), s) == 0
        t = C.cast(p, C.POINTER(A.TurnScore))
        assert [t[i].inbound_rows for i in range(n.value)] == [1, 1]
        assert all(t[i].status != 0 for i in range(n.value))
    finally:
        abi.lib.gt_scorer_free(s)


def test_state_error_after_add(abi):
    """GT_ESTATE: configuration after the first row -> StateError."""
    s = C.c_void_p()
    assert abi.lib.gt_scorer_new(C.byref(s), None) == 0
    try:
        p, n = C.c_void_p(), C.c_size_t()
        rc = abi.scorer_accounts(C.byref(p), C.byref(n), s)  # before any finish
        assert rc == A.GT_ESTATE
        with pytest.raises(givetake.StateError) as e:
            check(rc, "accounts", abi.lib.gt_scorer_errmsg(s))
        assert e.value.status == A.GT_ESTATE
    finally:
        abi.lib.gt_scorer_free(s)


def test_canceled_by_interrupt(abi):
    """GT_ECANCELED: an interrupt callback that says stop -> CanceledError."""
    n = 70_000
    rows = np.zeros(n, dtype=np.dtype(abi.interaction))
    rows["id"] = np.arange(n)
    rows["account_id"] = 1
    rows["created_at"] = np.arange(n) * 1_000_000
    s = C.c_void_p()
    assert abi.lib.gt_scorer_new(C.byref(s), None) == 0
    calls = []

    @A.INTERRUPT_FN
    def stop(_ctx):
        calls.append(1)
        return 1

    try:
        assert abi.lib.gt_scorer_set_interrupt(s, stop, None) == 0
        assert abi.scorer_add(s, rows.ctypes.data, n) == 0
        rc = abi.lib.gt_scorer_finish(s)
        assert rc == A.GT_ECANCELED and calls
        with pytest.raises(givetake.CanceledError):
            check(rc, "score", abi.lib.gt_scorer_errmsg(s))
    finally:
        abi.lib.gt_scorer_free(s)


@pytest.mark.parametrize("status,cls", [
    (A.GT_EINVAL, givetake.InvalidArgumentError), (A.GT_ENOMEM, givetake.LimitError),
    (A.GT_EPARSE, givetake.LexiconParseError), (A.GT_EUTF8, givetake.Utf8Error),
    (A.GT_ERANGE, givetake.RangeError), (A.GT_ESTATE, givetake.StateError),
    (A.GT_ECANCELED, givetake.CanceledError)])
def test_every_status_has_its_class(status, cls):
    with pytest.raises(cls) as e:
        check(status, "call", b"library message")
    assert e.value.status == status and issubclass(cls, givetake.GiveTakeError)
    assert "library message" in str(e.value)
    assert A.abi().strerror(status).startswith("GT_E")
