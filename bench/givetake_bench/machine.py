"""The machine, the versions of every tool and the commit a run was made
on, recorded with its figures."""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import os
import platform
import sqlite3
import subprocess

from .common import LIB, ROOT


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for mod in ("duckdb", "hyperscan", "ahocorasick", "matplotlib", "regex"):
        try:
            m = importlib.import_module(mod)
            versions[mod] = getattr(m, "__version__", "?")
        except Exception:
            pass
    for dist in ("vadersentiment", "pyahocorasick"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except Exception:
            pass
    versions.pop("ahocorasick", None)
    try:
        import gtlib
        g, _ = gtlib.load(LIB)
        versions["givetake"] = g.version if g else None
    except Exception:
        pass
    for cmd, key in ((["psql", "--version"], "psql"), (["swift", "--version"], "swift")):
        try:
            versions[key] = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().split("\n")[0]
        except OSError:
            pass
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = None
    mem = None
    try:
        mem = int(open("/proc/meminfo").readline().split()[1]) // 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "os": platform.platform(),
            "versions": versions, "commit": commit,
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
