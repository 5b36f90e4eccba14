"""libgivetake for the benchmark scripts, through the givetake Python
package's bindings (python/src/givetake/_abi.py declares the C ABI once;
nothing is re-declared here).

`load()` returns (GiveTake, None), or (None, reason) when the library is
absent, so callers can report "not available yet" instead of crashing.
"""
from __future__ import annotations

import ctypes as C
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_LIB = os.path.join(ROOT, "dist", "lib", "libgivetake.so")
sys.path.insert(0, os.path.join(ROOT, "python", "src"))


class GiveTake:
    def __init__(self, path: str):
        os.environ.setdefault("GIVETAKE_LIB", path)
        from givetake import _abi
        self.path = path
        self.abi = _abi.Abi(path)
        self.lib = self.abi.lib
        self.version = self.abi.version

    def classify_batch(self, texts):
        """gt_classify_batch over texts (str or bytes) with the built-in
        lexicon: a numpy record array of gt_classification (c.label,
        c.give_score, ...)."""
        import numpy as np
        from givetake import _abi, _text
        col = _text.from_any(list(texts), "text")  # owns the bytes gt points into
        gt = col.gt_texts()
        out = np.zeros(len(gt), dtype=np.dtype(_abi.Classification))
        bad = C.c_size_t(0)
        rc = self.lib.gt_classify_batch(out.ctypes.data, C.byref(bad), None, gt.ctypes.data, len(gt))
        if rc != 0:
            raise RuntimeError(f"gt_classify_batch: {self.abi.strerror(rc)} at {bad.value}")
        del col
        return out.view(np.recarray)


def load(path: str | None = None):
    """(GiveTake, None) or (None, reason)."""
    path = path or os.environ.get("GIVETAKE_LIB", DEFAULT_LIB)
    if not os.path.exists(path):
        return None, f"{path} not found (run `make lib`)"
    try:
        return GiveTake(path), None
    except (OSError, ImportError) as e:
        return None, f"cannot load {path}: {e}"
