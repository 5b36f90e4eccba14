"""Do a tool's account rows equal GiveTake's? A tool whose answers differ
is VOID: its timing compares nothing."""
from __future__ import annotations

from .common import log


def read_csv_rows(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check(reference, name, got_rows, results_agree):
    import agree
    if reference is None:
        results_agree[name] = "unchecked (no GiveTake reference)"
        return None
    diffs = agree.compare(reference, got_rows)
    if diffs:
        log(f"ANSWERS DIFFER: {name} vs GiveTake:\n    " + "\n    ".join(diffs))
        results_agree[name] = diffs
        return False
    results_agree[name] = "same answers"
    return True
