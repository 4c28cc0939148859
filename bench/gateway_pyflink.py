"""PyFlink side of bench/gateway.ts: the same measurements through PyFlink's Py4J gateway.

Run by bench/gateway.ts with .venv/pyflink/bin/python (bench/lib/pyflink-venv.sh makes it).
  python bench/gateway_pyflink.py --start            one cold start, JSON on stdout
  python bench/gateway_pyflink.py [--quick] [--calls N] [--rss-calls N]   the in-session measurements
Every result is printed as one JSON object on stdout's last line; logs go to stderr.
"""
import argparse
import json
import os
import statistics
import time

# The same SQL as the TS side, handed over by bench/gateway.ts.
_SQL = json.loads(os.environ["TSFLINK_BENCH_SQL"])
BIDS_DDL, COLLECT_QUERY, ROWS = _SQL["ddl"], _SQL["query"], _SQL["rows"]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(samples, q):
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


def create_env():
    from pyflink.table import EnvironmentSettings, TableEnvironment

    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    env.get_config().set("parallelism.default", "1")
    return env


def cold_start():
    t0 = time.perf_counter()
    env = create_env()
    t1 = time.perf_counter()
    env.execute_sql(_SQL["smallDdl"])
    rows = list(env.execute_sql("SELECT id FROM gen").collect())
    t2 = time.perf_counter()
    assert len(rows) == 3, rows
    return {"createMs": (t1 - t0) * 1e3, "firstQueryMs": (t2 - t1) * 1e3}


def config_get(env, n):
    cfg_key = "parallelism.default"
    for _ in range(min(n, 2000)):
        env.get_config().get(cfg_key, None)
    samples = []
    clock = time.perf_counter_ns
    for _ in range(n):
        a = clock()
        env.get_config().get(cfg_key, None)
        samples.append((clock() - a) / 1e3)
    return {"medianUs": statistics.median(samples), "p99Us": pct(samples, 0.99)}


def raw_call(env, n):
    from pyflink.java_gateway import get_gateway

    system = get_gateway().jvm.java.lang.System
    for _ in range(min(n, 2000)):
        system.getProperty("java.version")
    samples = []
    clock = time.perf_counter_ns
    for _ in range(n):
        a = clock()
        system.getProperty("java.version")
        samples.append((clock() - a) / 1e3)
    return {"medianUs": statistics.median(samples), "p99Us": pct(samples, 0.99)}


def chain(env):
    from pyflink.table.expressions import col, lit

    t = (
        env.from_path("gen")                                             # 1
        .select(col("id"), col("name"), col("v"))                        # 2
        .filter(col("id") > 10)                                          # 3
        .add_columns((col("id") + 1).alias("d"))                         # 4
        .rename_columns(col("name").alias("nm"))                         # 5
        .where(col("v").is_not_null)                                     # 6
        .select(col("id"), col("nm"), col("v"), col("d"))                # 7
        .drop_columns(col("d"))                                          # 8
        .add_columns(lit(1).alias("one"))                                # 9
        .add_or_replace_columns((col("v") * 2).alias("v"))               # 10
        .filter(col("id") < 1000000)                                     # 11
        .distinct()                                                      # 12
        .select(col("id"), col("nm"), col("v"), col("one"))              # 13
        .add_columns(col("nm").char_length.alias("len"))                 # 14
        .where(col("len") > 0)                                           # 15
        .group_by(col("nm"))                                             # 16
        .select(col("nm"), col("v").sum.alias("s"), col("one").count.alias("n"))  # 17
        .filter(col("n") > 0)                                            # 18
        .rename_columns(col("s").alias("total"))                         # 19
    )
    return t.get_resolved_schema(), t                                    # 20


def chain_ms(env, reps):
    for _ in range(3):
        chain(env)[1].explain()
    build, explain = [], []
    for _ in range(reps):
        a = time.perf_counter()
        _, t = chain(env)
        b = time.perf_counter()
        t.explain()
        c = time.perf_counter()
        build.append((b - a) * 1e3)
        explain.append((c - a) * 1e3)
    return {"buildMs": statistics.median(build), "buildExplainMs": statistics.median(explain)}


def collect(env, reps):
    table = env.sql_query(COLLECT_QUERY)
    out = {}
    # to_pandas first (it also warms the job path); execute().collect() fetches row by row over
    # Py4J (~1k rows/s), so it runs once.
    for name, run, n_reps in (
        ("to_pandas", lambda: len(table.to_pandas()), reps),
        ("collect", lambda: sum(1 for _ in table.execute().collect()), 1),
    ):
        if n_reps > 1:
            run()  # warm-up
        best = None
        for _ in range(n_reps):
            a = time.perf_counter()
            n = run()
            s = time.perf_counter() - a
            assert n == ROWS, (name, n)
            best = n / s if best is None else max(best, n / s)
        out[name] = best
    return out


def rss_growth(env, n):
    from pyflink.java_gateway import get_gateway

    jvm_pid = get_gateway().jvm.ProcessHandle.current().pid()
    before = rss_mb(os.getpid()) + rss_mb(jvm_pid)
    for _ in range(n):
        env.get_config().get("parallelism.default", None)
    after = rss_mb(os.getpid()) + rss_mb(jvm_pid)
    return {"calls": n, "growthMb": after - before, "rssMb": after}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--start", action="store_true")
    p.add_argument("--calls", type=int, default=20000)
    p.add_argument("--rss-calls", type=int, default=100000)
    p.add_argument("--reps", type=int, default=5)
    a = p.parse_args()
    if a.start:
        print(json.dumps(cold_start()))
        return
    env = create_env()
    env.execute_sql(BIDS_DDL)
    res = {
        "configGet": config_get(env, a.calls),
        "rawCall": raw_call(env, a.calls),
        "chain": chain_ms(env, a.reps * 4),
        "collectRowsPerSec": collect(env, a.reps),
        "rss": rss_growth(env, a.rss_calls),
    }
    print(json.dumps(res))


if __name__ == "__main__":
    main()
