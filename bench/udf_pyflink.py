"""PyFlink side of bench/udf.ts and bench/vectorized.ts: the same query with toEuro as a Python UDF
(process or thread mode) or as a pandas UDF (process mode; pandas.Series in, pandas.Series out).

  python bench/udf_pyflink.py --mode process|thread|pandas --seconds N --warmup W --probe-file F --config JSON [--function json]
Run by bench/lib/pyflink.ts with .venv/pyflink/bin/python; the SQL and the jars holding the benchmark's
Java source and latency probe come in TSFLINK_BENCH_SQL / TSFLINK_BENCH_JARS. Results are
written by the probe to F.
"""
import argparse
import json
import os
import sys
import time

from pyflink.java_gateway import get_gateway
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf


@udf(result_type=DataTypes.DOUBLE(), input_types=[DataTypes.BIGINT()])
def to_euro(price):
    return None if price is None else price * 0.908


@udf(result_type=DataTypes.DOUBLE(), input_types=[DataTypes.STRING()])
def json_price(s):
    # bench/udf's JSON workload: parse, return one field
    return None if s is None else float(json.loads(s)["price"])


@udf(result_type=DataTypes.DOUBLE(), input_types=[DataTypes.BIGINT()], func_type="pandas")
def to_euro_pandas(price):
    return price * 0.908


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["process", "thread", "pandas"], required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--warmup", type=float, default=0, help="seconds the probe does not count at first")
    p.add_argument("--probe-file", required=True)
    p.add_argument("--config", default="{}", help="JSON object of Flink options (the UDF runtime's bundle options)")
    p.add_argument("--function", choices=["toEuro", "json"], default="toEuro", help="json: jsonPrice for bench/udf's JSON workload")
    a = p.parse_args()
    sql = json.loads(os.environ["TSFLINK_BENCH_SQL"])
    jars = ";".join("file://" + j for j in os.environ["TSFLINK_BENCH_JARS"].split(";"))

    if a.mode == "thread":
        # pemja embeds the base interpreter, which does not read the venv's pyvenv.cfg: hand it the
        # venv's site-packages (pemja, pyflink) explicitly; the gateway JVM inherits this.
        site = next(p for p in sys.path if p.endswith("site-packages"))
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [site, os.environ.get("PYTHONPATH")]))
    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    cfg = env.get_config()
    cfg.set("parallelism.default", "1")
    cfg.set("taskmanager.numberOfTaskSlots", "1")
    cfg.set("pipeline.jars", jars)
    # pandas UDFs run in process mode (PyFlink's thread mode does not take them)
    cfg.set("python.execution-mode", "process" if a.mode == "pandas" else a.mode)
    for key, value in json.loads(a.config).items():
        cfg.set(key, value)
    cfg.set("python.executable", sys.executable)  # the venv (pemja lives there), not PATH's python
    get_gateway().jvm.System.setProperty("tsflink.bench.probe.file", a.probe_file)
    get_gateway().jvm.System.setProperty("tsflink.bench.probe.warmup.ms", str(int(a.warmup * 1000)))

    env.execute_sql(sql["bids"])
    env.execute_sql(sql["sink"])
    env.execute_sql(sql["probe"])
    if a.function == "json":
        env.create_temporary_system_function("jsonPrice", json_price)
    else:
        env.create_temporary_system_function("toEuro", to_euro_pandas if a.mode == "pandas" else to_euro)
    result = env.execute_sql(sql["insert"])
    client = result.get_job_client()
    time.sleep(a.seconds)
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
