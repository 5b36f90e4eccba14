"""ctypes access to libgivetake for training and evaluation: the features
a lexicon yields on a text are exactly the cues the engine reports."""
import ctypes as C
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LABEL_NAMES = {0: "neutral", 1: "give", 2: "take"}


class _Text(C.Structure):
    _fields_ = [("ptr", C.c_char_p), ("len", C.c_size_t)]


class _Classification(C.Structure):
    _fields_ = [("give_score", C.c_double), ("take_score", C.c_double), ("scalars", C.c_int64),
                ("label", C.c_int32), ("cues", C.c_int32), ("we_words", C.c_int32),
                ("you_words", C.c_int32), ("appreciative", C.c_int32), ("reserved", C.c_int32)]


class _Cue(C.Structure):
    _fields_ = [("offset", C.c_size_t), ("length", C.c_size_t), ("category", C.c_int32),
                ("entry", C.c_int32), ("weight", C.c_double)]


class Engine:
    def __init__(self, path=None):
        path = path or os.environ.get("GIVETAKE_LIB", os.path.join(ROOT, "dist", "lib", "libgivetake.so"))
        self.lib = C.CDLL(path)
        self.lib.gt_lexicon_errmsg.restype = C.c_char_p
        self.lib.gt_lexicon_count.restype = C.c_size_t

    def lexicon(self, text: str | None):
        """A lexicon handle: the built-in one for None, else `text` alone."""
        if text is None:
            return None
        h = C.c_void_p()
        if self.lib.gt_lexicon_new(C.byref(h), 1) != 0:
            raise RuntimeError("gt_lexicon_new failed")
        raw = text.encode("utf-8")
        if self.lib.gt_lexicon_load(h, raw, len(raw)) != 0:
            raise ValueError(self.lib.gt_lexicon_errmsg(h).decode())
        return h

    def count(self, lex) -> int:
        return self.lib.gt_lexicon_count(lex)

    def free(self, lex):
        if lex is not None:
            self.lib.gt_lexicon_free(lex)

    def explain(self, lex, text: bytes):
        """[(offset, length, category, entry, weight)] of the cues that fired."""
        cap = 64
        while True:
            buf = (_Cue * cap)()
            n = C.c_size_t(0)
            if self.lib.gt_explain(buf, cap, C.byref(n), lex, text, len(text)) != 0:
                raise RuntimeError("gt_explain failed")
            if n.value <= cap:
                return [(c.offset, c.length, c.category, c.entry, c.weight) for c in buf[:n.value]]
            cap = n.value

    def classify(self, lex, texts: list[bytes]):
        """[(label name, give score, take score)] for each text."""
        n = len(texts)
        arr = (_Text * n)()
        for i, t in enumerate(texts):
            arr[i].ptr, arr[i].len = t, len(t)
        out = (_Classification * n)()
        bad = C.c_size_t(0)
        if self.lib.gt_classify_batch(out, C.byref(bad), lex, arr, n) != 0:
            raise RuntimeError(f"gt_classify_batch failed at text {bad.value}")
        return [(LABEL_NAMES[o.label], o.give_score, o.take_score) for o in out]
