"""Running a tool as a child process and measuring it (wall time, peak
RSS), and the result rows the report is made of."""
from __future__ import annotations

import os
import re
import subprocess
import time

from .common import WORK, log


def run_child(argv, env=None, stdin=None):
    """Run a command; return (wall seconds, peak RSS kB of that child, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE if stdin else None,
                         text=True, env=env)
    out, err = p.communicate(stdin)
    wall = time.perf_counter() - t0
    # communicate() has reaped the child; its rusage is folded into
    # RUSAGE_CHILDREN only as a maximum, so measure with wait4 instead
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}... failed ({p.returncode}): {err.strip()[-1500:]}")
    return wall, out


def run_measured(argv, env=None):
    """(wall seconds, peak RSS kB, stdout) via /usr/bin/time -f."""
    wall, _, rss, out = run_measured_cpu(argv, env)
    return wall, rss, out


def run_measured_cpu(argv, env=None):
    """(wall seconds, CPU seconds (user + system), peak RSS kB, stdout) via
    /usr/bin/time -f; CPU and RSS are None without /usr/bin/time."""
    timefile = os.path.join(WORK, "time.txt")
    if os.path.exists("/usr/bin/time"):
        wall, out = run_child(["/usr/bin/time", "-f", "%M %U %S", "-o", timefile] + argv, env=env)
        rss, user, system = open(timefile).read().strip().split("\n")[-1].split()
        return wall, float(user) + float(system), int(rss), out
    wall, out = run_child(argv, env=env)
    return wall, None, None, out


PSQL_TIME = re.compile(r"^Time: ([0-9.]+) ms", re.M)


def psql_timed(pg, script: str, out_csv: str | None = None):
    """Run a psql script with \\timing; return (sum of statement times in s,
    backend peak RSS kB). The script's result rows go to out_csv (\\o)."""
    body = "\\timing on\n" + script
    body += "\n\\o\n\\timing off\nSELECT pg_read_file('/proc/self/status');\n"
    argv = pg.psql_argv() + ["--csv"]
    wall, out = run_child(argv, stdin=body)
    times = [float(x) for x in PSQL_TIME.findall(out)]
    m = re.search(r"VmHWM:\s+(\d+) kB", out)
    return sum(times) / 1000, int(m.group(1)) if m else None, times


class Result(dict):
    """One table row: tool, what, seconds, rate, unit, rss_mb, agree, note."""


def row(tool, what, seconds=None, rate=None, unit="rows/s", rss_kb=None, agree=None, note="", group="score",
        available=True, **extra):
    r = Result(tool=tool, what=what, seconds=seconds, rate=rate, unit=unit,
               rss_mb=None if rss_kb is None else rss_kb / 1024, agree=agree, note=note, group=group,
               available=available)
    r.update(extra)
    return r


def unavailable(tool, what, why, group="score"):
    log(f"{tool}: not available yet ({why})")
    return row(tool, what, note=f"not available yet: {why}", group=group, available=False)


def fmt_rate(r):
    if r.get("rate") is None:
        return "–"
    if r["unit"] == "MB/s":
        return f"{r['rate']:,.1f} MB/s"
    return f"{r['rate'] / 1e6:,.2f} M rows/s" if r["rate"] >= 1e5 else f"{r['rate']:,.0f} rows/s"
