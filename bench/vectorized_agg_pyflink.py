"""PyFlink side of bench/vectorized-agg.ts: the batch GROUP BY with mean(price) as a pandas UDAF.

  python bench/vectorized_agg_pyflink.py
Run by bench/vectorized-agg.ts with .venv/pyflink/bin/python; the SQL and the jars holding the
benchmark's Java source come in TSFLINK_BENCH_SQL / TSFLINK_BENCH_JARS. Prints {"seconds": ...}:
the job's wall time from submission to its end.
"""
import json
import os
import sys
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udaf


@udaf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def mean(price):
    return price.mean()


def main():
    sql = json.loads(os.environ["TSFLINK_BENCH_SQL"])
    jars = ";".join("file://" + j for j in os.environ["TSFLINK_BENCH_JARS"].split(";"))
    env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
    cfg = env.get_config()
    cfg.set("parallelism.default", "1")
    cfg.set("taskmanager.numberOfTaskSlots", "1")
    cfg.set("pipeline.jars", jars)
    cfg.set("python.executable", sys.executable)
    env.execute_sql(sql["bids"])
    env.execute_sql(sql["sink"])
    env.create_temporary_system_function("mean", mean)
    t0 = time.perf_counter()
    env.execute_sql(sql["insert"]).wait()
    print(json.dumps({"seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()
