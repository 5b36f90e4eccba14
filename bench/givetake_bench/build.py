"""The C drivers, compiled into bench/results/work when their sources or
the library they link changed."""
from __future__ import annotations

import os
import shutil
import subprocess

from .common import BENCH, LIB, ROOT, WORK, log


def build_gtbench() -> str | None:
    """bench/c/gtbench.c against dist/ (the C ABI batch path)."""
    if not os.path.exists(LIB):
        return None
    out = os.path.join(WORK, "gtbench")
    src = os.path.join(BENCH, "c", "gtbench.c")
    if not os.path.exists(out) or os.path.getmtime(out) < max(os.path.getmtime(src), os.path.getmtime(LIB)):
        libdir = os.path.dirname(LIB)
        subprocess.run(["cc", "-O2", "-std=gnu11", "-I", os.path.join(ROOT, "dist", "include"), src, "-L", libdir,
                        "-lgivetake", "-lsqlite3", "-lm", f"-Wl,-rpath,{libdir}", "-o", out], check=True)
    return out


def build_hsbench() -> str | None:
    """bench/c/hsbench.c against libhyperscan (apt: libhyperscan-dev)."""
    if not os.path.exists("/usr/include/hs/hs.h") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("apt-get install libhyperscan-dev")
        subprocess.run(["apt-get", "install", "-y", "-qq", "libhyperscan-dev"], check=False,
                       stdout=subprocess.DEVNULL, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not os.path.exists("/usr/include/hs/hs.h"):
        return None
    out = os.path.join(WORK, "hsbench")
    src = os.path.join(BENCH, "c", "hsbench.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run(["cc", "-O2", "-std=gnu11", src, "-lhs", "-lsqlite3", "-o", out], check=True)
    return out
