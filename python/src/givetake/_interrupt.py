"""Ctrl-C during a long scoring run.

While the main thread waits inside a foreign call, Python cannot raise
KeyboardInterrupt. So the call runs in a worker thread and the main thread
waits in short, interruptible waits; on Ctrl-C it raises a flag that the
library polls (gt_scorer_set_interrupt: every 65,536 rows of
gt_scorer_finish), waits until the worker has let go of the scorer, and
re-raises. The caller frees the scorer only after that.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Dict, TypeVar

T = TypeVar("T")


def run(fn: Callable[[], T], stop: threading.Event) -> T:
    """fn() in a worker thread when called from the main thread (else
    directly); on KeyboardInterrupt set `stop`, wait for fn, re-raise."""
    if threading.current_thread() is not threading.main_thread():
        return fn()
    out: Dict[str, object] = {}
    go, done = threading.Event(), threading.Event()

    def work() -> None:
        go.wait()
        try:
            if not stop.is_set():
                out["value"] = fn()
        except BaseException as e:  # handed to the caller below
            out["error"] = e
        finally:
            done.set()

    worker = threading.Thread(target=work, name="givetake-score", daemon=True)
    try:
        worker.start()
        go.set()
        while not done.wait(0.05):
            pass
    except KeyboardInterrupt:
        stop.set()
        go.set()
        _wait_quietly(worker, done)
        raise
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["value"]  # type: ignore[return-value]


def _wait_quietly(worker: threading.Thread, done: threading.Event) -> None:
    """Wait until the worker is done, through further Ctrl-Cs. A worker
    that never started (Ctrl-C inside Thread.start) is given up on after a
    second: it would only find `stop` set and return."""
    started = time.monotonic()
    while not done.is_set():
        try:
            if done.wait(0.05):
                return
            if not worker.is_alive() and time.monotonic() - started > 1.0:
                return
        except KeyboardInterrupt:
            continue
