"""PyFlink baseline for bench/arrow: from_pandas + aggregate, and to_pandas of a datagen query.

Prints one JSON object: {"fromPandas": {rows: ms}, "toPandas": {rows: ms}}. Same Flink version
(apache-flink 2.3.0), same queries as bench/arrow/run.ts.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from pyflink.table import EnvironmentSettings, TableEnvironment

sizes = [int(s) for s in sys.argv[1:]] or [100_000, 1_000_000]
t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t_env.get_config().set("parallelism.default", "1")
out = {"fromPandas": {}, "toPandas": {}}


def best_of(n, f):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        f()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


for rows in sizes:
    pdf = pd.DataFrame({
        "i": np.arange(rows, dtype=np.int32),
        "v": np.arange(rows, dtype=np.float64) * 0.5,
        "s": [f"row-{i}" for i in range(rows)],
    })

    def from_pandas():
        t = t_env.from_pandas(pdf)
        t_env.create_temporary_view("bench_in", t)
        r = t_env.execute_sql("SELECT COUNT(*), SUM(v) FROM bench_in")
        with r.collect() as it:
            n, _ = next(it)
        t_env.drop_temporary_view("bench_in")
        assert n == rows, n

    out["fromPandas"][rows] = best_of(3, from_pandas)

    t_env.execute_sql(f"""CREATE TEMPORARY TABLE IF NOT EXISTS gen_{rows} (i INT, v DOUBLE, s STRING) WITH (
        'connector' = 'datagen', 'number-of-rows' = '{rows}',
        'fields.i.kind' = 'sequence', 'fields.i.start' = '1', 'fields.i.end' = '{rows}',
        'fields.s.length' = '10', 'rows-per-second' = '1000000000')""")

    def to_pandas():
        df = t_env.from_path(f"gen_{rows}").to_pandas()
        assert len(df) == rows, len(df)

    out["toPandas"][rows] = best_of(3, to_pandas)

print(json.dumps(out))
