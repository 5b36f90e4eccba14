"""score(): the same answers as the CLI on the demo data, from every
input form; a hand-worked case; configuration; every error path names
the row and the column."""
import datetime as dt
import math
import sqlite3

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import givetake

UTC = dt.timezone.utc


def t(secs):
    return dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=secs)


# ---- the hand-worked case ------------------------------------------------------
# Account 42 on twitter: contact 5 mentions the brand at 0 s and gets a
# personal reply ("Lee") after 30 min; contact 6 writes at 100 s and gets
# nothing; one outbound post sells ("our new", "buy now").
HAND = [
    dict(id=1, account_id=42, contact_id=5, channel="twitter", kind="mention", inbound=True, created_at=t(0),
         author_name="Lee Park", body="@brand it broke"),
    dict(id=2, account_id=42, parent_id=1, channel="twitter", kind="reply", inbound=False, created_at=t(1800),
         body="Sorry Lee, here's how to fix it"),
    dict(id=3, account_id=42, contact_id=6, channel="twitter", kind="mention", inbound=True, created_at=t(100),
         body="hello?"),
    dict(id=4, account_id=42, channel="twitter", kind="post", inbound=False, created_at=t(50),
         body="Our new phone: buy now"),
]


def test_hand_worked_case():
    r = givetake.score(HAND, as_of=t(86400))
    a = r.accounts.iloc[0]
    assert (a.account_id, a.needs_ack, a.acknowledged, a.pending) == (42, 2, 1, 0)
    assert a.ack_rate == 0.5                  # 1 of 2 answered
    assert a.personal_rate == 1.0             # the reply names "Lee"
    assert a.median_ack_s == 1800.0           # 30 minutes
    assert a.sla_rate == 0.5                  # within twitter's 1 h; the other one never answered
    assert (a.give_posts, a.take_posts, a.give_ratio) == (0, 1, 0.0)
    assert math.isnan(a.conversion_lift)      # no leads at all: 0 / 0
    assert a.contacts == 2
    assert r.as_of == t(86400) and r.rows == 4
    assert list(r.channels.channel) == ["twitter"]
    c = r.contacts.set_index("contact_id")
    assert c.loc[5, "acknowledged"] == 1 and c.loc[6, "unacknowledged"] == 1
    assert c.loc[5, "trust_score"] > c.loc[6, "trust_score"]
    assert c.loc[6, "last_interaction_at"] == pd.Timestamp(t(100))


def test_sla_setting_changes_the_answer():
    # 30 min is outside a 10 min SLA
    assert givetake.score(HAND, as_of=t(86400), sla={"twitter": 600}).accounts.sla_rate[0] == 0.0
    assert givetake.score(HAND, as_of=t(86400), sla=dt.timedelta(minutes=10)).accounts.sla_rate[0] == 0.0
    assert givetake.score(HAND, as_of=t(86400), sla={"all": 600, "twitter": 3600}).accounts.sla_rate[0] == 0.5


def test_named_tuples_without_frames():
    r = givetake.score(HAND, as_of=t(86400), frames=False)
    a = r.accounts[0]
    assert type(a).__name__ == "AccountScore" and a.account_id == 42 and a.conversion_lift is None
    assert r.channels[0].channel == "twitter"
    assert {c.contact_id for c in r.contacts} == {5, 6}
    assert r.contacts[0].last_interaction_at.tzinfo is not None


def test_config_options_reach_the_library():
    base = givetake.score(HAND, as_of=t(86400)).accounts.iloc[0]
    w = givetake.score(HAND, as_of=t(86400), health_weights={"ack_rate": 1, "personal_rate": 0, "sla_rate": 0,
                                                             "give_ratio": 0, "me_index": 0}).accounts.iloc[0]
    assert w.health == pytest.approx(100 * base.ack_rate)
    short = givetake.score(HAND, as_of=t(86400), half_life=3600).contacts
    assert (short.balance.abs() < givetake.score(HAND, as_of=t(86400)).contacts.balance.abs()).all()
    give = HAND + [dict(HAND[3], id=5, body="Here's how to fix it: 5 tips")]
    g80 = givetake.score(give, as_of=t(86400)).accounts.iloc[0]
    g411 = givetake.score(give, as_of=t(86400), give_target="4-1-1").accounts.iloc[0]
    assert g80.give_ratio == g411.give_ratio == 0.5
    assert g411.health < g80.health  # 0.5 is further from 0.833 than from 0.8
    later = givetake.score(HAND, as_of="2026-01-05 00:00:00").as_of
    assert later == t(4 * 86400)
    lex = givetake.Lexicon.empty()
    assert givetake.score(HAND, as_of=t(86400), lexicon=lex).accounts.take_posts[0] == 0


# ---- the same answers as the CLI ----------------------------------------------


def same(got, want):
    """One value of ours against one of the CLI's JSON (null, time text)."""
    if want is None:
        return got is None or got is pd.NA or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, str) and isinstance(got, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(want, tz="UTC") == pd.Timestamp(got)
    return got == want


def assert_same_rows(got_records, want_rows, key):
    want = {tuple(r[k] for k in key): r for r in want_rows}
    got = {tuple(r[k] if not (isinstance(r[k], float) and math.isnan(r[k])) and r[k] is not pd.NA else None
                 for k in key): r for r in got_records}
    assert set(got) == set(want)
    for k, w in want.items():
        g = got[k]
        for col, v in w.items():
            if col == "account_name":  # from the database's accounts table, not the engine
                continue
            assert same(g[col], v), (k, col, g[col], v)


def assert_same_as_cli(result, cli_json, db=None):
    accounts = result.accounts.to_dict("records")
    for rec in accounts:
        rec["channel"] = None
    assert_same_rows(accounts + result.channels.to_dict("records"), cli_json["accounts"], ("account_id", "channel"))
    assert result.as_of.strftime("%Y-%m-%d %H:%M:%S.%f") == cli_json["as_of"]
    if cli_json.get("turns") is not None:
        assert_same_rows(result.turns.to_dict("records"), cli_json["turns"], ("account_id", "turn_id"))
        assert_same_rows(result.agents.to_dict("records"), cli_json["agents"], ("account_id", "agent_id"))
    if db:
        con = sqlite3.connect(db)
        cs = {(r[0], r[1]): r[2:6] for r in con.execute(
            "SELECT account_id, contact_id, balance, trust_score, acknowledged, unacknowledged FROM contact_scores")}
        mine = {(r.account_id, r.contact_id): (r.balance, r.trust_score, r.acknowledged, r.unacknowledged)
                for r in result.contacts.itertuples()}
        assert mine == cs


def test_dataframe_matches_cli(demo):
    rows, cli_json, db = demo
    df = pd.DataFrame(rows)
    df["created_at"] = pd.to_datetime(df["created_at"], format="ISO8601")
    assert_same_as_cli(givetake.score(df), cli_json, db)
    assert (cli_json["turns"] is not None) == givetake._abi.abi().has_turns


def test_ack_unit_turn_or_row():
    """Two messages from one customer in thread 8 before the answer: one
    turn (waited once) or two rows (v1)."""
    rows = [dict(id=1, account_id=1, contact_id=5, thread_id=8, channel="facebook", kind="message", inbound=True,
                 created_at=t(0)),
            dict(id=2, account_id=1, contact_id=5, thread_id=8, channel="facebook", kind="message", inbound=True,
                 created_at=t(60)),
            dict(id=3, account_id=1, contact_id=5, thread_id=8, channel="facebook", kind="message", inbound=False,
                 created_at=t(600), agent_id=31)]
    if not givetake._abi.abi().has_ack_unit:
        pytest.skip("this libgivetake has no turns")
    turn = givetake.score(rows)
    row = givetake.score(rows, ack_unit="row")
    assert (turn.accounts.needs_ack[0], row.accounts.needs_ack[0]) == (1, 2)
    assert turn.accounts.median_ack_s[0] == 600.0
    assert list(turn.turns.inbound_rows) == [1 + 1] and turn.turns.thread_id[0] == 8
    assert turn.turns.agent_id[0] == 31 and turn.agents.agent_id.dropna().tolist() == [31]


def test_arrow_table_matches_cli(demo):
    rows, cli_json, _ = demo
    df = pd.DataFrame(rows)
    df["created_at"] = pd.to_datetime(df["created_at"], format="ISO8601", utc=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    assert_same_as_cli(givetake.score(table), cli_json)


def test_dicts_with_text_times_match_cli(demo):
    rows, cli_json, _ = demo
    assert_same_as_cli(givetake.score(iter(rows)), cli_json)


def test_csv_roundtrip_matches_cli(demo, tmp_path):
    """What an analyst does: CSV out, pandas.read_csv in (nullable ids
    become floats with NaN, booleans 0/1)."""
    rows, cli_json, _ = demo
    path = tmp_path / "interactions.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    df = pd.read_csv(path, parse_dates=["created_at"])
    assert df["contact_id"].dtype == np.float64
    assert_same_as_cli(givetake.score(df), cli_json)


def test_categorical_and_nullable_dtypes(demo):
    rows, cli_json, _ = demo
    df = pd.DataFrame(rows)
    df["created_at"] = pd.to_datetime(df["created_at"], format="ISO8601")
    df["channel"] = df["channel"].astype("category")
    df["contact_id"] = df["contact_id"].astype("Int64")
    df["parent_id"] = df["parent_id"].astype("Int64")
    df["inbound"] = df["inbound"].astype("boolean")
    df["body"] = df["body"].astype(object)
    assert_same_as_cli(givetake.score(df), cli_json)


# ---- bad input: clear errors naming row and column --------------------------------


def rows_with(i, **change):
    rows = [dict(r) for r in HAND]
    rows[i].update(change)
    return rows


@pytest.mark.parametrize("change,cls,pattern", [
    (dict(id=None), givetake.InvalidArgumentError, r"row 2, column 'id': is missing"),
    (dict(account_id=float("nan")), givetake.InvalidArgumentError, r"row 2, column 'account_id'"),
    (dict(id="seven"), givetake.InvalidTypeError, r"row 2, column 'id'"),
    (dict(id=1.5), givetake.InvalidArgumentError, r"row 2, column 'id'"),
    (dict(id=2 ** 64), givetake.RangeError, r"row 2, column 'id'"),
    (dict(created_at=None), givetake.InvalidArgumentError, r"row 2, column 'created_at': is missing"),
    (dict(created_at=float("nan")), givetake.InvalidArgumentError, r"row 2, column 'created_at'"),
    (dict(created_at=pd.NaT), givetake.InvalidArgumentError, r"row 2, column 'created_at'"),
    (dict(created_at="yesterday"), givetake.InvalidArgumentError, r"row 2, column 'created_at'.*ISO-8601"),
    (dict(created_at=[1]), givetake.InvalidTypeError, r"row 2, column 'created_at'"),
    (dict(created_at=1e300), givetake.RangeError, r"row 2, column 'created_at'"),
    (dict(inbound="maybe"), givetake.InvalidTypeError, r"row 2, column 'inbound'"),
    (dict(body=12), givetake.InvalidTypeError, r"row 2, column 'body'"),
    (dict(body=b"caf\xe9"), givetake.Utf8Error, r"row 2 \(id 3\): body is not valid UTF-8"),
    (dict(author_name="\udc80"), givetake.Utf8Error, r"row 2 \(id 3\): author_name"),
    (dict(value="12"), givetake.InvalidTypeError, r"row 2, column 'value'"),
    (dict(value=float("inf")), givetake.RangeError, r"row 2 \(id 3\): value"),
    (dict(channel=3.5), givetake.InvalidTypeError, r"row 2, column 'channel'"),
])
def test_bad_values_in_dicts(change, cls, pattern):
    with pytest.raises(cls, match=pattern) as e:
        givetake.score(rows_with(2, **change))
    assert isinstance(e.value, givetake.GiveTakeError) and e.value.status < 0


def test_time_outside_years_1_to_9999():
    rows = rows_with(1, created_at=np.datetime64("10000-01-01T00:00:00", "us"))
    with pytest.raises(givetake.RangeError, match=r"row 1 \(id 2\): created_at"):
        givetake.score(rows)
    df = pd.DataFrame(HAND)
    df["created_at"] = np.array([10**18, 0, 0, 0], dtype="datetime64[us]")
    with pytest.raises(givetake.RangeError, match=r"row 0 \(id 1\)"):
        givetake.score(df)


def test_dataframe_errors_name_index_label():
    df = pd.DataFrame(HAND, index=["a", "b", "c", "d"])
    df["created_at"] = pd.to_datetime(df["created_at"])
    df.loc["c", "created_at"] = pd.NaT
    with pytest.raises(givetake.InvalidArgumentError, match=r"row 2 \(index 'c'\), column 'created_at'"):
        givetake.score(df)
    df = pd.DataFrame(HAND)
    df["account_id"] = [1.0, 2.0, float("nan"), 4.0]
    with pytest.raises(givetake.InvalidArgumentError, match=r"row 2, column 'account_id'"):
        givetake.score(df)
    df = pd.DataFrame(HAND)
    df["id"] = [1.0, 2.5, 3.0, 4.0]
    with pytest.raises(givetake.InvalidArgumentError, match=r"row 1, column 'id'"):
        givetake.score(df)
    df = pd.DataFrame(HAND)
    df["created_at"] = [0.0, float("nan"), 1.0, 2.0]
    with pytest.raises(givetake.InvalidArgumentError, match=r"row 1, column 'created_at'"):
        givetake.score(df)


def test_missing_columns_and_wrong_inputs():
    with pytest.raises(givetake.InvalidArgumentError, match="missing column.*'created_at'"):
        givetake.score([{k: v for k, v in r.items() if k != "created_at"} for r in HAND])
    with pytest.raises(givetake.InvalidTypeError, match="row 1: expected a dict"):
        givetake.score([HAND[0], 42])
    with pytest.raises(givetake.InvalidTypeError):
        givetake.score(42)
    with pytest.raises(givetake.InvalidTypeError):
        givetake.score("id,account_id")
    with pytest.raises(givetake.InvalidArgumentError, match="different lengths"):
        givetake.score({"id": [1, 2], "account_id": [1]})


@pytest.mark.parametrize("kwargs,cls", [
    (dict(sla=-5), givetake.GiveTakeError), (dict(sla={"tiktok": 60}), givetake.InvalidArgumentError),
    (dict(sla="1h"), givetake.InvalidTypeError), (dict(half_life=0), givetake.GiveTakeError),
    (dict(give_target=0), givetake.GiveTakeError), (dict(give_target="90/10"), givetake.InvalidArgumentError),
    (dict(health_weights={"speed": 1}), givetake.InvalidArgumentError),
    (dict(health_weights={"ack_rate": -1}), givetake.GiveTakeError),
    (dict(as_of="soon"), givetake.InvalidArgumentError), (dict(as_of=float("nan")), givetake.GiveTakeError),
    (dict(lexicon="builtin"), givetake.InvalidTypeError), (dict(ack_unit="message"), givetake.InvalidArgumentError),
])
def test_bad_configuration(kwargs, cls):
    with pytest.raises(cls):
        givetake.score(HAND, **kwargs)


def test_unknown_channel_or_kind_is_an_anomaly_not_an_error():
    rows = rows_with(3, channel="tiktok") + [dict(HAND[0], id=9, kind=None)]
    r = givetake.score(rows, as_of=t(86400))
    assert r.accounts.anomalies[0] == 2 and r.rows == 3


def test_empty_input():
    r = givetake.score(pd.DataFrame({c: [] for c in ("id", "account_id", "channel", "kind", "inbound",
                                                     "created_at")}))
    assert len(r.accounts) == 0 and len(r.contacts) == 0


def test_thread_ids_need_a_library_that_has_them():
    rows = [dict(r, thread_id=None, agent_id=None) for r in HAND]
    givetake.score(rows)  # all null: always fine
    abi = givetake._abi.abi()
    rows[1]["thread_id"] = 7
    if abi.has_thread_ids:
        givetake.score(rows)
    else:
        with pytest.raises(givetake.InvalidArgumentError, match="thread_id"):
            givetake.score(rows)


def test_turns_and_agents_when_the_library_has_them():
    abi = givetake._abi.abi()
    r = givetake.score([dict(row, agent_id=77 if not row["inbound"] else None) for row in HAND]
                       if abi.has_thread_ids else HAND, as_of=t(86400))
    if not abi.has_turns:
        assert r.turns is None and r.agents is None
        return
    turns = r.turns.set_index("turn_id")
    assert set(turns.index) == {1, 3}
    assert turns.loc[1, "status"] == "acknowledged" and turns.loc[1, "time_to_ack_s"] == 1800.0
    assert turns.loc[1, "first_ack_id"] == 2 and turns.loc[1, "personal"] == True  # noqa: E712
    assert turns.loc[3, "status"] == "unacknowledged" and pd.isna(turns.loc[3, "first_ack_id"])
    if abi.has_agents:
        agents = r.agents
        assert 77 in set(agents.agent_id.dropna())


def test_time_forms_agree():
    """Naive = UTC, tz-aware converted, ISO text, Unix seconds, numpy: the
    same instants give the same scores."""
    base = givetake.score(HAND, as_of=t(86400), frames=False).accounts
    secs = [int((r["created_at"] - t(0)).total_seconds()) + int(t(0).timestamp()) for r in HAND]
    forms = [
        [dict(r, created_at=r["created_at"].replace(tzinfo=None)) for r in HAND],
        [dict(r, created_at=r["created_at"].astimezone(dt.timezone(dt.timedelta(hours=-5)))) for r in HAND],
        [dict(r, created_at=r["created_at"].strftime("%Y-%m-%d %H:%M:%S")) for r in HAND],
        [dict(r, created_at=r["created_at"].isoformat()) for r in HAND],
        [dict(r, created_at=s) for r, s in zip(HAND, secs)],
        [dict(r, created_at=float(s)) for r, s in zip(HAND, secs)],
        [dict(r, created_at=np.datetime64(r["created_at"].replace(tzinfo=None), "ms")) for r in HAND],
    ]
    for rows in forms:
        assert givetake.score(rows, as_of=t(86400), frames=False).accounts == base
    df = pd.DataFrame(HAND)
    df["created_at"] = pd.to_datetime(df["created_at"]).dt.tz_convert("Europe/Paris")
    assert givetake.score(df, as_of=t(86400), frames=False).accounts == base
    df["created_at"] = secs
    assert givetake.score(df, as_of=t(86400), frames=False).accounts == base


def test_mapping_of_columns():
    cols = {k: [r.get(k) for r in HAND] for k in ("id", "account_id", "contact_id", "parent_id", "channel", "kind",
                                                  "inbound", "created_at", "author_name", "body")}
    assert givetake.score(cols, as_of=t(86400), frames=False).accounts == \
        givetake.score(HAND, as_of=t(86400), frames=False).accounts


def test_turns_are_read_on_demand_and_close_frees_the_engine():
    if not givetake._abi.abi().has_turns:
        pytest.skip("this libgivetake has no turns")
    r = givetake.score(HAND, as_of=t(86400))
    assert r._engine.handle is not None
    assert len(r.turns) == 2 and r._engine.handle is not None
    assert len(r.agents) >= 1 and r._engine.handle is None  # both read: engine freed
    assert len(r.turns) == 2  # cached
    with givetake.score(HAND, as_of=t(86400)) as r2:
        accounts = r2.accounts
    assert accounts.needs_ack[0] == 2
    with pytest.raises(givetake.StateError, match="closed"):
        r2.turns


def test_custom_lexicon_results_do_not_hold_the_engine():
    """The lexicon may change right after score(): the result must not
    keep a scorer that uses it."""
    lex = givetake.Lexicon.builtin()
    r = givetake.score(HAND, as_of=t(86400), lexicon=lex)
    assert r._engine is None
    lex.add("broke", "take", 5)
    if givetake._abi.abi().has_turns:
        assert len(r.turns) == 2 and len(r.agents) >= 1


def test_ctrl_c_stops_scoring_and_frees_everything(monkeypatch):
    """Ctrl-C while the library works: KeyboardInterrupt in the caller (the
    library is asked to stop through its interrupt callback); nothing is
    left half-done, the next call works."""
    import _thread
    import sys
    mod = sys.modules["givetake.score"]
    real = mod._interrupt.run

    def run(fn, stop):
        def interrupted():
            _thread.interrupt_main()  # what Ctrl-C does
            assert stop.wait(10)      # the main thread raised the stop flag
            return fn()
        return real(interrupted, stop)

    monkeypatch.setattr(mod._interrupt, "run", run)
    with pytest.raises(KeyboardInterrupt):
        givetake.score(HAND, as_of=t(86400))
    monkeypatch.undo()
    assert givetake.score(HAND, as_of=t(86400)).accounts.needs_ack[0] == 2


def test_score_from_threads_at_once():
    """Scoring in several threads (no Ctrl-C worker there) gives the same
    answers as in the main thread."""
    import threading
    want = givetake.score(HAND, as_of=t(86400), frames=False).accounts
    got, errors = [], []

    def work():
        try:
            for _ in range(20):
                got.append(givetake.score(HAND, as_of=t(86400), frames=False).accounts)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(got) == 80 and all(g == want for g in got)
