"""Lexicons: built-in, empty, from text or a file, added to; parse errors
name the line; one lexicon shared by many threads."""
import threading

import pytest

import givetake
from givetake import Lexicon


def test_builtin_and_iteration():
    lex = Lexicon.builtin()
    entries = list(lex)
    assert len(lex) == len(entries) > 50
    assert ("how to", "teaching") in {(e.phrase, e.category) for e in entries}
    assert all(e.category in givetake.CATEGORIES for e in entries)
    assert lex.entry(0) == entries[0]


def test_empty_lexicon_classifies_nothing():
    lex = Lexicon.empty()
    assert len(lex) == 0
    c = givetake.classify("Tips: how to buy now", lexicon=lex)
    assert (c.label, c.give_score, c.take_score) == ("neutral", 0.0, 0.0)


def test_from_text_and_add():
    lex = Lexicon.from_text("# my cues\nrecipe\tteaching\t2\nbogof\tselling\t1.5\n")
    assert [tuple(e) for e in lex] == [("recipe", "teaching", 2.0), ("bogof", "selling", 1.5)]
    assert givetake.classify("A recipe for you", lexicon=lex).give_score == 2.0
    lex.add("Limited Edition", "self_promotion", 3)
    cues = givetake.explain("our LIMITED edition recipe", lexicon=lex)
    assert [(c.text, c.phrase, c.weight) for c in cues] == [("LIMITED edition", "limited edition", 3.0),
                                                             ("recipe", "recipe", 2.0)]
    lex.add("recipe", "teaching", 0)  # weight 0 disables
    assert givetake.classify("recipe", lexicon=lex).give_score == 0.0
    assert Lexicon.from_text(lex.to_text()).to_text() == lex.to_text()


def test_extend_builtin_and_load_file(tmp_path):
    p = tmp_path / "cues.tsv"
    p.write_text("crochet pattern\tteaching\t2\n")
    lex = Lexicon.load(p, extend_builtin=True)
    assert len(lex) == len(Lexicon.builtin()) + 1
    assert list(lex)[-1] == ("crochet pattern", "teaching", 2.0)
    # The built-in cues still fire, and the new one adds its weight.
    text = "how to: a crochet pattern"
    builtin = givetake.classify(text).give_score
    assert builtin > 0 and "crochet pattern" not in [c.phrase for c in givetake.explain(text)]
    assert givetake.classify(text, lexicon=lex).give_score == builtin + 2.0
    only = Lexicon.load(str(p))
    assert len(only) == 1
    assert givetake.classify(text, lexicon=only).give_score == 2.0


def test_parse_errors_name_the_line(tmp_path):
    lex = Lexicon.from_text("ok\tgive\t1\n")
    with pytest.raises(givetake.LexiconParseError, match="line 2") as e:
        lex.update("fine\tgive\t1\nbroken line\twhat\t1\n")
    assert e.value.status == -3
    assert [e.phrase for e in lex] == ["ok"]  # nothing changed
    p = tmp_path / "bad.tsv"
    p.write_text("a\tgive\tnot-a-number\n")
    with pytest.raises(givetake.LexiconParseError, match="bad.tsv: .*line 1"):
        Lexicon.load(p)
    with pytest.raises(FileNotFoundError):
        Lexicon.load(tmp_path / "missing.tsv")
    with pytest.raises(givetake.Utf8Error):
        lex.update(b"caf\xe9\tgive\t1\n")


def test_add_errors():
    lex = Lexicon.empty()
    with pytest.raises(givetake.InvalidArgumentError, match="unknown category"):
        lex.add("x", "charity", 1)
    with pytest.raises(givetake.InvalidArgumentError):
        lex.add("x", 99, 1)
    with pytest.raises(givetake.RangeError):
        lex.add("x", "give", -1)
    with pytest.raises(givetake.RangeError):
        lex.add("x", "give", float("nan"))
    with pytest.raises(givetake.InvalidTypeError):
        lex.add(None, "give", 1)
    with pytest.raises(givetake.InvalidTypeError):
        lex.add("x", "give", "1")
    with pytest.raises(givetake.GiveTakeError):
        lex.add("", "give", 1)
    assert len(lex) == 0


def test_closed_lexicon():
    lex = Lexicon.empty()
    lex.close()
    with pytest.raises(givetake.InvalidArgumentError, match="closed"):
        givetake.classify("x", lexicon=lex)


def test_one_lexicon_shared_by_threads():
    """Readers in many threads at once while a writer keeps adding cues:
    every reader sees a consistent lexicon (before or after an add) and
    the process survives."""
    lex = Lexicon.from_text("alpha\tgive\t1\n")
    texts = [f"alpha beta gamma {i}" for i in range(5000)]
    errors = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                res = givetake.classify_many(texts, lexicon=lex, threads=1)
                # alpha=1 always; beta (added by the writer) makes it 2
                assert set(res.give_score.tolist()) <= {1.0, 2.0}
                assert len(set(res.give_score.tolist())) == 1
                assert givetake.classify("alpha", lexicon=lex).give_score == 1.0
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for t in threads:
        t.start()
    for i in range(50):
        lex.add(f"cue{i}", "take", 1)
    lex.add("beta", "give", 1)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert givetake.classify("alpha beta", lexicon=lex).give_score == 2.0
    assert len(lex) == 52
