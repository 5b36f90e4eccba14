"""classify, explain, classify_many: one text, why, and many texts in bulk."""
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import givetake

TEXTS = ["Tips: how to recycle your phone", "Shop now, 20% off!", "Thanks, great question 🙂", "hello",
         "", "Here’s how to fix it — café guide", "Our new award-winning phone: buy now for $19.99"]


GIVE_CATEGORIES = set(givetake.CATEGORIES[:givetake.CATEGORIES.index("give") + 1])
TAKE_CATEGORIES = {"selling", "self_promotion", "take"}


def test_classify_hand_worked(small_lex):
    # tips (1.5) + how to (1) + recycle (0.25) = 2.75 give; no take; "your" is a you-word
    c = givetake.classify("Tips: how to recycle your phone", lexicon=small_lex)
    assert (c.label, c.give_score, c.take_score, c.cues, c.you_words, c.we_words) == ("give", 2.75, 0.0, 3, 1, 0)
    assert givetake.classify(b"Tips: how to recycle your phone", lexicon=small_lex) == c
    s = givetake.classify("Shop now, 20% off!", lexicon=small_lex)
    assert (s.label, s.give_score, s.take_score) == ("take", 0.0, 2.0)
    # The label needs a margin of 1: 0.25 give, and 1.5 give against 1.25 take, are neutral.
    assert givetake.classify("recycle", lexicon=small_lex).label == "neutral"
    assert givetake.classify("tips, buy now", lexicon=small_lex).label == "neutral"
    assert givetake.classify("tips tips, buy now", lexicon=small_lex).label == "give"
    assert givetake.classify("hello", lexicon=small_lex).label == "neutral"


def test_builtin_scores_are_sums_of_explained_weights():
    for text in TEXTS:
        c = givetake.classify(text)
        cues = givetake.explain(text)
        assert c.give_score == pytest.approx(sum(x.weight for x in cues if x.category in GIVE_CATEGORIES), abs=1e-9)
        assert c.take_score == pytest.approx(sum(x.weight for x in cues if x.category in TAKE_CATEGORIES), abs=1e-9)
    assert givetake.classify("Tips: how to recycle your phone").label == "give"
    assert givetake.classify("Shop now, 20% off!").label == "take"
    assert givetake.classify("hello").label == "neutral"
    assert givetake.classify("Thanks, great question").appreciative is True


def test_negation_window():
    assert givetake.classify("no purchase necessary").take_score == 0.0


def test_explain_offsets_in_str_and_bytes():
    text = "Café tips 🙂: shop now, 20% off"
    cues = givetake.explain(text)
    assert [(c.text, c.category) for c in cues] == [("tips", "teaching"), ("shop now", "selling"),
                                                     ("20% off", "selling")]
    data = text.encode()
    for c in cues:
        assert text[c.start:c.end] == c.text
        assert data[c.byte_start:c.byte_end].decode() == c.text
    tips = cues[0]
    assert (tips.start, tips.byte_start) == (5, 6)  # é is 2 bytes
    assert cues[2].phrase == "<percent_off>" and cues[1].phrase == "shop now"
    assert sum(c.weight for c in cues if c.category == "selling") == givetake.classify(text).take_score


def test_explain_many_cues_grows_buffer():
    text = " ".join(["tips"] * 100)
    cues = givetake.explain(text)
    assert sum(1 for c in cues if c.phrase == "tips") == 100
    assert len(cues) == givetake.classify(text).cues


def test_invalid_utf8_raises():
    with pytest.raises(givetake.Utf8Error) as e:
        givetake.classify(b"ok \xff\xfe")
    assert e.value.status == -4
    with pytest.raises(givetake.Utf8Error):
        givetake.classify("lone surrogate \ud800")
    with pytest.raises(givetake.Utf8Error):
        givetake.explain(b"\xc3")


def test_wrong_types():
    for bad in (42, 3.5, ["a"], object()):
        with pytest.raises(givetake.InvalidTypeError):
            givetake.classify(bad)
    with pytest.raises(TypeError):
        givetake.classify(42)
    with pytest.raises(givetake.InvalidTypeError):
        givetake.classify("x", lexicon="not a lexicon")


def test_huge_text(small_lex):
    text = "tips " * 2_000_000  # 10 MB
    c = givetake.classify(text, lexicon=small_lex)
    assert (c.give_score, c.cues, c.label) == (3_000_000.0, 2_000_000, "give")  # 1.5 each


def one_by_one(texts):
    return [givetake.classify(t) for t in texts]


def check_batch(res, texts):
    ref = one_by_one(texts)
    assert list(res.label) == [c.label for c in ref]
    assert list(res.give_score) == [c.give_score for c in ref]
    assert list(res.take_score) == [c.take_score for c in ref]
    assert list(res.we_words) == [c.we_words for c in ref]
    assert list(res.you_words) == [c.you_words for c in ref]
    assert list(res.appreciative) == [c.appreciative for c in ref]


def test_classify_many_list_equals_one_by_one():
    res = givetake.classify_many(TEXTS)
    assert isinstance(res.give_score, np.ndarray) and res.give_score.dtype == np.float64
    check_batch(res, TEXTS)


def test_classify_many_generator_bytes_numpy():
    check_batch(givetake.classify_many(t for t in TEXTS), TEXTS)
    check_batch(givetake.classify_many([t.encode() for t in TEXTS]), TEXTS)
    check_batch(givetake.classify_many(np.array(TEXTS)), TEXTS)


def test_classify_many_nulls_are_empty(small_lex):
    res = givetake.classify_many(["tips", None, float("nan"), "buy now"], lexicon=small_lex)
    assert list(res.label) == ["give", "neutral", "neutral", "take"]
    assert list(res.give_score) == [1.5, 0.0, 0.0, 0.0]
    assert list(res.take_score) == [0.0, 0.0, 0.0, 1.25]


def test_classify_many_series_keeps_index():
    s = pd.Series(TEXTS + [None], index=[f"p{i}" for i in range(len(TEXTS) + 1)])
    df = givetake.classify_many(s)
    assert isinstance(df, pd.DataFrame) and list(df.index) == list(s.index)
    assert df.loc["p0", "label"] == "give" and df.loc["p1", "label"] == "take"
    assert df.loc[f"p{len(TEXTS)}", "give_score"] == 0.0
    check_batch(givetake.Classifications(*(df[c].to_numpy() for c in df.columns)), TEXTS + [""])


def test_classify_many_arrow_in_place():
    arr = pa.array(TEXTS + [None] + TEXTS)
    check_batch(givetake.classify_many(arr), TEXTS + [""] + TEXTS)
    sliced = arr.slice(3, 6)
    check_batch(givetake.classify_many(sliced), (TEXTS + [""] + TEXTS)[3:9])
    chunked = pa.chunked_array([pa.array(TEXTS), pa.array(TEXTS[::-1])])
    check_batch(givetake.classify_many(chunked), TEXTS + TEXTS[::-1])
    check_batch(givetake.classify_many(pa.array(TEXTS, pa.large_string())), TEXTS)
    check_batch(givetake.classify_many(pa.array(TEXTS).dictionary_encode()), TEXTS)
    s = pd.Series(TEXTS, dtype="string[pyarrow]")
    df = givetake.classify_many(s)
    assert list(df["label"]) == [c.label for c in one_by_one(TEXTS)]


def test_classify_many_invalid_utf8(small_lex):
    texts = ["tips", b"\xff", "buy now"]
    with pytest.raises(givetake.Utf8Error, match="text 1 "):
        givetake.classify_many(texts)
    res = givetake.classify_many(texts, lexicon=small_lex, errors="neutral")
    assert list(res.label) == ["give", "neutral", "take"]
    assert list(res.give_score) == [1.5, 0.0, 0.0] and list(res.take_score) == [0.0, 0.0, 1.25]
    with pytest.raises(givetake.Utf8Error, match="index 'b'"):
        givetake.classify_many(pd.Series(["ok", "x\udcff"], index=["a", "b"], dtype=object))
    with pytest.raises(givetake.Utf8Error, match="text 0 "):
        givetake.classify_many(pa.array([b"\xc3\x28"], pa.binary()))
    with pytest.raises(givetake.InvalidArgumentError):
        givetake.classify_many(texts, errors="ignore")


def test_classify_many_wrong_types_name_the_row():
    with pytest.raises(givetake.InvalidTypeError, match="row 2"):
        givetake.classify_many(["a", "b", 3, "d"])
    with pytest.raises(givetake.InvalidTypeError):
        givetake.classify_many("just one string")
    with pytest.raises(givetake.InvalidTypeError):
        givetake.classify_many(pa.array([1, 2, 3]))
    with pytest.raises(givetake.InvalidTypeError):
        givetake.classify_many(np.array([["a"]]))


def test_classify_many_threads_agree():
    texts = [TEXTS[i % len(TEXTS)] + f" #{i}" for i in range(60_000)]
    one = givetake.classify_many(texts, threads=1)
    two = givetake.classify_many(texts, threads=3)
    for a, b in zip(one, two):
        assert np.array_equal(a, b)
    texts[45_000] = b"\xff"
    with pytest.raises(givetake.Utf8Error, match="text 45000 "):
        givetake.classify_many(texts, threads=3)


def test_classify_many_empty():
    res = givetake.classify_many([])
    assert len(res.label) == 0


def test_classify_from_threads_at_once():
    errors = []
    expect = [c.label for c in one_by_one(TEXTS)]

    def work():
        try:
            for _ in range(200):
                assert [givetake.classify(t).label for t in TEXTS] == expect
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_bulk_encoders_agree():
    """The Arrow encoder (used for long lists when pyarrow is installed)
    and the numpy one give every row the same bytes, NULL for missing."""
    import ctypes as C
    from givetake import _text
    base = ["plain", "café 🙂", "", None, "tips", float("nan"), "ünïcödé " * 3]
    items = [base[i % len(base)] for i in range(3000)]
    nulls = np.array([x is None or isinstance(x, float) for x in items])
    cleaned = ["" if m else x for x, m in zip(items, nulls)]
    cols = [_text.from_strings(items, "t"), _text._from_strings_numpy(cleaned, "t", nulls),
            _text._from_mixed(items, "t")]
    for col in cols:
        assert len(col) == len(items)
        for i, x in enumerate(items):
            if nulls[i]:
                assert col.ptrs[i] == 0
            else:
                assert C.string_at(int(col.ptrs[i]), int(col.lens[i])) == x.encode()
