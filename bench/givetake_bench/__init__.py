"""The benchmark harness behind bench/run.py, one job a module:

    cli            the command line (`bench`, `scale`) and the run log
    common         paths, fixed settings, the log line
    prereqs        Python packages, PostgreSQL binaries, the CLI, fresh lexicon SQL
    build          the C drivers (gtbench, hsbench)
    data           the synthetic data set (SQLite + CSV)
    measure        running a child and measuring it; result rows
    agreement      answers compared with GiveTake's
    side_by_side   `bench`: every tool on one data set
    score_runs     scoring: GiveTake paths, plain SQL in SQLite and DuckDB
    postgres_runs  scoring in PostgreSQL: plain SQL, the extension, the CLI
    classify_runs  classification alone against the matching libraries
    machine        the machine and versions a run was made on
    targets        performance targets and regression floors
    report         results/latest.{json,md,png}
    scale          `scale`: 10^4 .. 10^7 rows, results/scale.{json,md,png}
"""
