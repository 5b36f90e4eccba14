"""`bench`: one data set, every tool on it, answers checked against
GiveTake's, then the report."""
from __future__ import annotations

import os

from .build import build_gtbench
from .classify_runs import run_classification
from .common import WORK
from .data import make_data
from .measure import Result
from .postgres_runs import run_postgres
from .prereqs import check_sql_fresh, ensure_python_deps, find_cli
from .report import finish
from .score_runs import run_givetake, run_plain_sql


def bench(args) -> int:
    ensure_python_deps()
    check_sql_fresh()
    os.makedirs(WORK, exist_ok=True)
    cli = find_cli()
    gtb = build_gtbench()
    data = make_data(args.rows, cli)
    res: list[Result] = []
    agreement: dict = {}
    ctx = {"calls": None}
    reference = run_givetake(data, cli, gtb, res, agreement, ctx)
    run_plain_sql(data, reference, agreement, res)
    run_postgres(args, data, reference, agreement, cli, res)
    run_classification(args, data["sqlite"], gtb, res)
    return finish(args, data, res, agreement, ctx)
