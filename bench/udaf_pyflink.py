"""PyFlink side of bench/udaf.ts: the same GROUP BY with tsAvg and tsTopBidders as general Python UDAFs.

  python bench/udaf_pyflink.py --mode process|thread --seconds N --warmup W --probe-file F --counter-file G --config JSON
Run by bench/udaf.ts with .venv/pyflink/bin/python; the SQL and the jars holding the benchmark's Java
source, row counter and latency probe come in TSFLINK_BENCH_SQL / TSFLINK_BENCH_JARS. Results are
written by the counter to G and by the probe to F. Prints "bench:udaf phase: measuring" / "...: done"
so bench/udaf.ts samples the Python worker's memory over the measured part.
"""
import argparse
import json
import os
import sys
import time

from pyflink.java_gateway import get_gateway
from pyflink.table import AggregateFunction, DataTypes, EnvironmentSettings, Row, TableEnvironment
from pyflink.table.data_view import MapView
from pyflink.table.udf import udaf


class PyAvg(AggregateFunction):
    def create_accumulator(self):
        return Row(0.0, 0)

    def accumulate(self, acc, price):
        if price is not None:
            acc[0] += price
            acc[1] += 1

    def retract(self, acc, price):
        if price is not None:
            acc[0] -= price
            acc[1] -= 1

    def get_value(self, acc):
        return None if acc[1] == 0 else acc[0] / acc[1]

    def get_accumulator_type(self):
        return DataTypes.ROW([DataTypes.FIELD("sum", DataTypes.DOUBLE()), DataTypes.FIELD("count", DataTypes.BIGINT())])

    def get_result_type(self):
        return DataTypes.DOUBLE()


class PyTopBidders(AggregateFunction):
    """Bids per bidder in a MapView (Flink map state); the value is the bidder with most bids."""

    def create_accumulator(self):
        return Row(MapView(), None, 0)

    def accumulate(self, acc, bidder):
        if bidder is None:
            return
        counts = acc[0]
        n = counts.get(bidder)
        count = 1 if n is None else n + 1
        counts.put(bidder, count)
        if count > acc[2]:
            acc[2] = count
            acc[1] = bidder

    def get_value(self, acc):
        return acc[1]

    def get_accumulator_type(self):
        return DataTypes.ROW([
            DataTypes.FIELD("counts", DataTypes.MAP_VIEW(DataTypes.BIGINT(), DataTypes.BIGINT())),
            DataTypes.FIELD("top", DataTypes.BIGINT()),
            DataTypes.FIELD("topCount", DataTypes.BIGINT()),
        ])

    def get_result_type(self):
        return DataTypes.BIGINT()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["process", "thread"], required=True)
    p.add_argument("--seconds", type=float, required=True, help="measured seconds, after the warm-up")
    p.add_argument("--warmup", type=float, default=0)
    p.add_argument("--probe-file", required=True)
    p.add_argument("--counter-file", required=True)
    p.add_argument("--config", default="{}", help="JSON object of Flink options (the UDF runtime's bundle options)")
    a = p.parse_args()
    sql = json.loads(os.environ["TSFLINK_BENCH_SQL"])
    jars = ";".join("file://" + j for j in os.environ["TSFLINK_BENCH_JARS"].split(";"))

    if a.mode == "thread":
        # pemja embeds the base interpreter, which does not read the venv's pyvenv.cfg (see udf_pyflink.py)
        site = next(p for p in sys.path if p.endswith("site-packages"))
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [site, os.environ.get("PYTHONPATH")]))
    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    cfg = env.get_config()
    cfg.set("parallelism.default", "1")
    cfg.set("taskmanager.numberOfTaskSlots", "1")
    cfg.set("pipeline.jars", jars)
    cfg.set("python.execution-mode", a.mode)
    cfg.set("state.backend.type", "hashmap")  # as bench/udaf.ts sets for every variant
    for key, value in json.loads(a.config).items():
        cfg.set(key, value)
    cfg.set("python.executable", sys.executable)
    jvm = get_gateway().jvm
    jvm.System.setProperty("tsflink.bench.probe.file", a.probe_file)
    jvm.System.setProperty("tsflink.bench.counter.file", a.counter_file)
    jvm.System.setProperty("tsflink.bench.probe.warmup.ms", str(int(a.warmup * 1000)))

    for ddl in sql["ddl"]:
        env.execute_sql(ddl)
    env.create_temporary_system_function("tsAvg", udaf(PyAvg()))
    env.create_temporary_system_function("tsTopBidders", udaf(PyTopBidders()))
    result = env.execute_sql(sql["insert"])
    client = result.get_job_client()
    # counting starts when the probe after the aggregate has seen its warm-up (see bench/udaf.ts)
    deadline = time.time() + a.warmup + 120
    while not os.path.exists(a.counter_file):
        if time.time() > deadline:
            raise SystemExit(f"no output rows within {a.warmup + 120} s of the job's start")
        time.sleep(0.2)
    print("bench:udaf phase: measuring", flush=True)
    time.sleep(a.seconds)
    print("bench:udaf phase: done", flush=True)
    try:
        status = str(client.get_job_status().result()).split(".")[-1]
    except Exception:  # the job's mini-cluster is gone: the job failed; wait() raises its cause
        result.wait()
        raise
    client.cancel().result()
    time.sleep(1.5)
    if status != "RUNNING":
        raise SystemExit(f"job ended early: {status}")
    print(json.dumps({"mode": a.mode, "status": status}))


if __name__ == "__main__":
    main()
